/** Report paths and SARIF fingerprints do not depend on how the paths were written (issue 16, item 1). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BAD, CLEAN, cliIn, sarifUris, tree, type SarifLog } from './helpers.js';

interface JsonReport {
  files: { path: string; findings: { location: { file: string } }[] }[];
}

function paths(out: string): string[] {
  return (JSON.parse(out) as JsonReport).files.map((f) => f.path).sort();
}

describe('report paths', () => {
  const root = tree({ 'models/a.pt': CLEAN, 'models/sub/bad.pkl': BAD, 'other/b.pt': CLEAN });

  it('are the same for `scan models` and `scan models other`', async () => {
    const one = await cliIn(root, ['scan', '-f', 'json', 'models']);
    const two = await cliIn(root, ['scan', '-f', 'json', 'models', 'other']);
    assert.deepEqual(paths(one.out), ['models/a.pt', 'models/sub/bad.pkl']);
    assert.deepEqual(paths(two.out), ['models/a.pt', 'models/sub/bad.pkl', 'other/b.pt']);
  });

  it('do not depend on ./, trailing slashes, absolute paths or repeats', async () => {
    const want = ['models/a.pt', 'models/sub/bad.pkl'];
    for (const args of [['./models/'], [`${root}/models`], ['models', 'models/sub/bad.pkl'], ['models/../models']]) {
      const r = await cliIn(root, ['scan', '-f', 'json', ...args]);
      assert.deepEqual(paths(r.out), want, args.join(' '));
    }
  });

  it('findings name the same path as their file', async () => {
    const r = JSON.parse((await cliIn(root, ['scan', '-f', 'json', 'models/sub'])).out) as JsonReport;
    for (const f of r.files) for (const x of f.findings) assert.equal(x.location.file, f.path);
  });

  it('--base-dir moves the root of the names', async () => {
    const r = await cliIn(root, ['scan', '-f', 'json', '--base-dir', 'models', 'models']);
    assert.deepEqual(paths(r.out), ['a.pt', 'sub/bad.pkl']);
  });
});

describe('SARIF', () => {
  const root = tree({ 'models/sub/bad.pkl': BAD, 'other/b.pt': CLEAN });

  it('uses %SRCROOT%-relative URIs GitHub resolves, with originalUriBaseIds', async () => {
    const r = await cliIn(root, ['scan', '-f', 'sarif', 'models']);
    assert.deepEqual([...new Set(sarifUris(r.out))], ['models/sub/bad.pkl']);
    const s = JSON.parse(r.out) as SarifLog;
    const base = s.runs[0]?.originalUriBaseIds?.['%SRCROOT%']?.uri;
    assert.ok(base?.startsWith('file://') === true && base.endsWith('/'), base);
    for (const x of s.runs[0]?.results ?? []) assert.equal(x.locations[0]?.physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
  });

  it('fingerprints are the same across argument spellings and across checkouts', async () => {
    const other = tree({ 'models/sub/bad.pkl': BAD, 'other/b.pt': CLEAN });
    const prints = async (cwd: string, ...args: string[]) =>
      ((JSON.parse((await cliIn(cwd, ['scan', '-f', 'sarif', ...args])).out) as SarifLog).runs[0]?.results ?? [])
        .map((x) => x.partialFingerprints['modelguard/v1'])
        .sort();
    const a = await prints(root, 'models');
    assert.ok(a.length > 0);
    assert.deepEqual(await prints(root, 'models', 'other'), a);
    assert.deepEqual(await prints(root, `${root}/models/sub/`), a);
    assert.deepEqual(await prints(other, 'models'), a);
  });
});
