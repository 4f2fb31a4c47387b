/** Where models come from: standard input, include/exclude globs, `.modelguard.toml`, empty scans (issue 16, item 3). */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compileGlob } from '../../src/cli/scan/glob.js';
import { BAD, CLEAN, PLAIN, cliIn, tempDir, tree } from './helpers.js';

function files(out: string): string[] {
  return (JSON.parse(out) as { files: { path: string }[] }).files.map((f) => f.path).sort();
}

describe('standard input', () => {
  it('`scan -` scans the bytes piped in', async () => {
    const bad = await cliIn(tempDir(), ['scan', '-f', 'json', '-'], readFileSync(BAD));
    assert.equal(bad.code, 1);
    const r = JSON.parse(bad.out) as { verdict: string; files: { path: string }[] };
    assert.equal(r.verdict, 'malicious');
    assert.deepEqual(
      r.files.map((f) => f.path),
      ['<stdin>'],
    );
    assert.equal((await cliIn(tempDir(), ['scan', '-'], readFileSync(CLEAN))).code, 0);
  });
  it('cannot be mixed with paths', async () => {
    assert.equal((await cliIn(tempDir(), ['scan', '-', CLEAN], readFileSync(CLEAN))).code, 2);
  });
});

describe('globs', () => {
  it('match as .gitignore does', () => {
    const cases: [string, string, boolean][] = [
      ['*.pt', 'a.pt', true],
      ['*.pt', 'deep/down/a.pt', true],
      ['*.pt', 'a.pth', false],
      ['models/*.pt', 'models/a.pt', true],
      ['models/*.pt', 'x/models/a.pt', false],
      ['models/*.pt', 'models/sub/a.pt', false],
      ['models/**/*.pt', 'models/sub/deeper/a.pt', true],
      ['models/**/*.pt', 'models/a.pt', true],
      ['examples/', 'examples/x.pkl', true],
      ['examples/', 'examples', false],
      ['examples', 'examples/deep/x.pkl', true],
      ['*.{pt,bin}', 'w/a.bin', true],
      ['[ab].pt', 'b.pt', true],
      ['[!ab].pt', 'b.pt', false],
      ['a?.pt', 'ab.pt', true],
      ['a?.pt', 'a/.pt', false],
      ['a.pt', 'xa.pt', false],
    ];
    for (const [g, p, want] of cases) assert.equal(compileGlob(g).matches(p), want, `${g} ~ ${p}`);
  });
  it('rejects malformed patterns as usage errors', () => {
    assert.throws(() => compileGlob('[abc'), { code: 'E_USAGE' });
    assert.throws(() => compileGlob('{a,b'), { code: 'E_USAGE' });
  });
  it('--include and --exclude select files by report path', async () => {
    const root = tree({ 'm/a.pt': CLEAN, 'm/b.pkl': PLAIN, 'examples/bad.pkl': BAD });
    assert.deepEqual(files((await cliIn(root, ['scan', '-f', 'json', '--exclude', 'examples/', '.'])).out), ['m/a.pt', 'm/b.pkl']);
    assert.deepEqual(files((await cliIn(root, ['scan', '-f', 'json', '--include', '*.pt', '.'])).out), ['m/a.pt']);
    const r = await cliIn(root, ['scan', '--exclude', 'examples', '.']);
    assert.equal(r.code, 0);
  });
});

describe('.modelguard.toml', () => {
  it('is found upward from the working directory and holds excludes, fail-on and allowlists', async () => {
    const root = tree({
      'm/a.pt': CLEAN,
      'examples/bad.pkl': BAD,
      'm/unknown.pkl': join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'pickle', 'suspicious__unknown-class.pkl'),
    });
    writeFileSync(join(root, '.modelguard.toml'), 'exclude = ["examples/"]\nfail-on = "malicious"\n');
    mkdirSync(join(root, 'deep', 'er'), { recursive: true });
    const r = await cliIn(join(root, 'deep', 'er'), ['scan', '-f', 'json', '../../m', '../../examples']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(files(r.out), ['../../m/a.pt', '../../m/unknown.pkl']);
    // Command-line options win; --no-config ignores the file.
    assert.equal((await cliIn(root, ['scan', '--fail-on', 'suspicious', 'm'])).code, 1);
    assert.equal((await cliIn(root, ['scan', '--no-config', '.'])).code, 1);
    writeFileSync(join(root, '.modelguard.toml'), '[[allow]]\nname = "mylab.models.Net"\nuses = ["new", "build"]\n');
    assert.equal((await cliIn(root, ['scan', 'm'])).code, 0);
  });
  it('rejects unknown keys and bad values as usage errors', async () => {
    for (const text of ['exclud = ["x"]\n', 'profile = "torhc"\n', 'fail-on = "never"\n', 'include = "x"\n', 'not toml', '[[allow]]\nname = "os"\n']) {
      const root = tree({ 'a.pt': CLEAN });
      writeFileSync(join(root, '.modelguard.toml'), text);
      const r = await cliIn(root, ['scan', 'a.pt']);
      assert.equal(r.code, 2, text);
      assert.match(r.err, /\.modelguard\.toml/, text);
    }
  });
});

describe('empty scans', () => {
  it('an empty directory is a usage error (exit 2), not CLEAN, unless --allow-empty', async () => {
    const empty = tempDir();
    const r = await cliIn(empty, ['scan', '.']);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.out, /CLEAN/);
    assert.match(r.err, /nothing to scan/);
    assert.equal((await cliIn(empty, ['scan', '--allow-empty', '.'])).code, 0);
  });
  it('so is a filter that leaves nothing', async () => {
    const root = tree({ 'a.pt': CLEAN });
    assert.equal((await cliIn(root, ['scan', '--include', '*.onnx', '.'])).code, 2);
  });
});
