/**
 * The published package (issue 16, item 6): what `npm pack` ships, publint,
 * and the release tarball signed with modelguard's own `sign` and verified.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers.js';
import { cliIn, tempDir } from './helpers.js';

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
    if (existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
      // Built (npm run check builds dist before the tests in CI): the bin and every export target ship.
      assert.ok(packed.includes('dist/cli/main.js'));
      assert.ok(packed.includes('dist/index.d.ts'));
      assert.ok(packed.includes('dist/scan/worker.js'));
    }
  });

  it('publint finds nothing to fix', async () => {
    // `npm test` starts from a clean tree: build what the exports map names (dist/ only; build/ holds the running tests).
    if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
      execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
    }
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
