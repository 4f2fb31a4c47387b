/**
 * The published package (issue 16, item 6): what `npm pack` ships, publint,
 * and the release tarball signed with modelguard's own `sign` and verified.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixture, ROOT } from '../helpers.js';
import { BAD, CLEAN, cliIn, PLAIN, tempDir, tree } from './helpers.js';

interface PackEntry {
  files: { path: string }[];
}

function npm(args: string[], cwd = ROOT): string {
  return execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_loglevel: 'error' },
  });
}

/** `npm test` starts from a clean tree: build what the exports map and `bin` name (dist/ only; build/ holds the running tests). */
function buildDist(): void {
  if (existsSync(join(ROOT, 'dist', 'bin', 'modelguard.js'))) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')], { cwd: ROOT, stdio: 'ignore' });
}

describe('npm pack', () => {
  const packed = (JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'])) as PackEntry[])[0]?.files.map((f) => f.path) ?? [];

  it('ships no hostile examples, fixtures, tests or sources', () => {
    assert.ok(packed.length > 0);
    for (const p of packed) {
      assert.ok(!/^(examples|test|scripts|bench|src|build)\//.test(p), p);
      assert.ok(!/\.(pkl|pt|pth|joblib|h5|keras|onnx|npy|npz|gguf|ckpt)$/i.test(p), p);
    }
  });

  it('ships the legal files, the changelog and the report schema the exports map names', () => {
    for (const p of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json', 'docs/scan-report.schema.json']) assert.ok(packed.includes(p), p);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
      scripts: Record<string, string>;
      bin: Record<string, string>;
    };
    assert.equal(pkg.exports['./report.schema.json'], './docs/scan-report.schema.json');
    assert.equal(pkg.scripts['prepare'], undefined, 'consumers do not build on install');
    assert.ok(pkg.scripts['prepack'] !== undefined);
    assert.match(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0, January 2004/);
    assert.match(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'), /## \[Unreleased\]/);
    if (existsSync(join(ROOT, 'dist', 'bin', 'modelguard.js'))) {
      // Built (npm run check builds dist before the tests in CI): the bin and every export target ship.
      assert.equal(pkg.bin['modelguard'], './dist/bin/modelguard.js');
      assert.ok(packed.includes('dist/bin/modelguard.js'));
      assert.ok(packed.includes('dist/bin/worker-scan-worker.js'));
      assert.ok(packed.includes('dist/cli/main.js'));
      assert.ok(packed.includes('dist/index.d.ts'));
      assert.ok(packed.includes('dist/scan/worker.js'));
    }
  });

  it('publint finds nothing to fix', async () => {
    // `npm test` starts from a clean tree: build what the exports map names (dist/ only; build/ holds the running tests).
    buildDist();
    const { publint } = await import('publint');
    const { messages } = await publint({ pkgDir: ROOT, level: 'suggestion', strict: true, pack: 'npm' });
    assert.deepEqual(
      messages.map((m) => `${m.type} ${m.code}`),
      [],
    );
  });
});

describe('the release tarball', () => {
  it('is signed with modelguard sign and verified with modelguard verify', async () => {
    const dir = tempDir('mg-release-');
    npm(['pack', '--ignore-scripts', '--pack-destination', dir]);
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    assert.ok(tgz !== undefined);
    assert.equal((await cliIn(dir, ['keygen', '-o', 'release'])).code, 0);
    const signed = await cliIn(dir, ['sign', 'key', tgz, '--private-key', 'release.key']);
    assert.equal(signed.code, 0, signed.err);
    assert.ok(existsSync(join(dir, `${tgz}.sig`)));
    assert.equal((await cliIn(dir, ['verify', 'key', tgz, '--public-key', 'release.pub'])).code, 0);
    // A tarball changed after signing fails verification (exit 1).
    writeFileSync(join(dir, tgz), Buffer.concat([readFileSync(join(dir, tgz)), Buffer.from([0])]));
    assert.equal((await cliIn(dir, ['verify', 'key', tgz, '--public-key', 'release.pub'])).code, 1);
  });
});

describe('the bundled command line (dist/bin, scripts/build-cli.mjs)', () => {
  it('reports exactly what the unbundled command line reports, worker threads and the HDF5 worker included', async () => {
    buildDist();
    const dir = tree({
      'a/clean.pt': CLEAN,
      'a/plain.pkl': PLAIN,
      'b/bad.pkl': BAD,
      'b/model.h5': fixture('keras', 'clean__sequential-mlp.h5'),
      'b/lambda.keras': fixture('keras', 'malicious__builtins-exec-activation.keras'),
      'c/legacy.pt': fixture('torch', 'clean__legacy-state-dict.pt'),
    });
    const args = ['scan', '--no-config', '--no-progress', '--jobs', '2', '--format', 'json', '.'];
    const bundled = spawnSync(process.execPath, [join(ROOT, 'dist', 'bin', 'modelguard.js'), ...args], { cwd: dir, encoding: 'utf8' });
    const library = await cliIn(dir, args);
    assert.equal(bundled.status, 1, bundled.stderr);
    assert.equal(library.code, 1);
    const timeless = (text: string): unknown => JSON.parse(text, (k, v: unknown) => (k === 'durationMs' || k === 'startedAt' ? 0 : v));
    assert.deepEqual(timeless(bundled.stdout), timeless(library.out));
    const version = spawnSync(process.execPath, [join(ROOT, 'dist', 'bin', 'modelguard.js'), '--version'], { encoding: 'utf8' });
    assert.equal(version.stdout.trim(), (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });
});
