/**
 * The watcher in one-pass mode, in-process: layouts, idempotency, versions,
 * completeness rules, retention.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { X25519Identity } from '../../src/age/x25519.js';
import { completeCandidates, DEFAULT_RULES, listCandidates } from '../../src/vault/complete.js';
import { loadManifest } from '../../src/vault/manifest.js';
import { runVault, type WatchOptions } from '../../src/vault/watch.js';
import { codeAsync, pseudoRandom, tempDir } from './helpers.js';
import { checkInvariants, writeTrainingRun } from './vault-fixtures.js';

const { identity } = X25519Identity.generate();

function options(run: string, over: Partial<WatchOptions> = {}): WatchOptions {
  return {
    watchDir: run,
    vaultDir: `${run}.vault`,
    recipients: [identity.recipient],
    deletePlaintext: false,
    overwrite: true,
    log: () => undefined,
    rules: { ...DEFAULT_RULES, settleMs: 0 },
    once: true,
    intervalMs: 1000,
    retention: {},
    ...over,
  };
}

describe('vault watch --once', () => {
  it('archives files and checkpoint folders, verifies them, and is idempotent', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const run = join(dir, 'run');
      const layout = writeTrainingRun(run, { big: 300_000, small: 1000 });
      const r = await runVault(options(run));
      assert.equal(r.archived, 4);
      assert.deepEqual(readdirSync(`${run}.vault`).sort(), [
        'checkpoint-100.tar.age',
        'checkpoint-200.tar.age',
        'epoch=2-step=300-val_loss=0.40.ckpt.age',
        'last.ckpt.age',
        'vault.json',
      ]);
      assert.equal(checkInvariants(run, `${run}.vault`, layout, [identity]).size, layout.size);
      for (const [rel] of layout) assert.ok(existsSync(join(run, rel)), 'plaintext kept without --delete-plaintext');
      const m = await loadManifest(`${run}.vault`);
      const c200 = m.entries.find((e) => e.source === 'checkpoint-200');
      assert.equal(c200?.step, 200);
      assert.equal(c200?.metrics['eval_loss'], 0.25);
      assert.equal(m.entries.find((e) => e.source.startsWith('epoch='))?.metrics['val_loss'], 0.4);
      assert.equal(statSync(join(`${run}.vault`, 'last.ckpt.age')).mode & 0o777, 0o600);
      assert.equal((await runVault(options(run))).archived, 0, 'second pass has nothing to do');
    } finally {
      cleanup();
    }
  });

  it('deletes plaintext only after verification, and keeps versions of a rewritten file', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const run = join(dir, 'run');
      const layout = writeTrainingRun(run, { big: 100_000, small: 500 });
      await runVault(options(run, { deletePlaintext: true }));
      assert.deepEqual(readdirSync(run), []);
      checkInvariants(run, `${run}.vault`, layout, [identity]);
      // Lightning rewrites last.ckpt every epoch.
      writeFileSync(join(run, 'last.ckpt'), pseudoRandom(700, 9));
      await runVault(options(run, { deletePlaintext: true }));
      assert.ok(existsSync(join(`${run}.vault`, 'last.ckpt.v2.age')));
    } finally {
      cleanup();
    }
  });

  it('applies retention after archiving and never removes the newest copy', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const run = join(dir, 'run');
      writeTrainingRun(run, { big: 10_000, small: 100 });
      const r = await runVault(options(run, { retention: { keepBest: { metric: 'eval_loss', mode: 'min', count: 1 } } }));
      assert.equal(r.pruned, 2);
      const left = readdirSync(`${run}.vault`)
        .filter((f) => f.endsWith('.age'))
        .sort();
      assert.deepEqual(left, ['checkpoint-200.tar.age', 'last.ckpt.age']);
    } finally {
      cleanup();
    }
  });

  it('refuses a vault another live watcher holds', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const run = join(dir, 'run');
      mkdirSync(run);
      mkdirSync(`${run}.vault`);
      writeFileSync(join(`${run}.vault`, 'vault.lock'), `${process.ppid}\n`);
      assert.equal(await codeAsync(() => runVault(options(run))), 'E_VAULT_STATE');
      writeFileSync(join(`${run}.vault`, 'vault.lock'), '999999999\n');
      assert.equal(await codeAsync(() => runVault(options(run))), 'no error', "a dead owner's lock is taken over");
    } finally {
      cleanup();
    }
  });
});

describe('completeness rules', () => {
  it('ignores temp names, hidden files, markers and sidecars; folders only if checkpoint-like', async () => {
    const { dir, cleanup } = tempDir();
    try {
      for (const n of ['a.ckpt', 'a.ckpt.json', 'b.pt.tmp', '.hidden', 'c.partial', 'd.done', 'x~', 'model.bin']) writeFileSync(join(dir, n), 'x');
      for (const d of ['checkpoint-5', 'tmp-checkpoint-6', 'runs', 'global_step7']) {
        mkdirSync(join(dir, d));
        writeFileSync(join(dir, d, 'f'), 'x');
      }
      const names = (await listCandidates(dir, { ...DEFAULT_RULES, settleMs: 0 })).map((c) => c.name);
      assert.deepEqual(names, ['a.ckpt', 'checkpoint-5', 'global_step7', 'model.bin']);
      const all = (await listCandidates(dir, { ...DEFAULT_RULES, allDirs: true })).map((c) => c.name);
      assert.ok(all.includes('runs'));
    } finally {
      cleanup();
    }
  });

  it('waits for the settle time unless a marker says done', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'fresh.ckpt'), 'x');
      writeFileSync(join(dir, 'marked.ckpt'), 'x');
      writeFileSync(join(dir, 'marked.ckpt.done'), '');
      writeFileSync(join(dir, 'old.ckpt'), 'x');
      const past = new Date(Date.now() - 60_000);
      utimesSync(join(dir, 'old.ckpt'), past, past);
      const ready = (await completeCandidates(dir, { ...DEFAULT_RULES, settleMs: 30_000 })).map((c) => c.name);
      assert.deepEqual(ready, ['marked.ckpt', 'old.ckpt']);
    } finally {
      cleanup();
    }
  });

  it('skips a file another process holds open for writing (Linux /proc)', { skip: process.platform !== 'linux' }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const p = join(dir, 'writing.ckpt');
      writeFileSync(p, 'x');
      const child = spawn(process.execPath, [
        '-e',
        `const fs=require('fs');const fd=fs.openSync(${JSON.stringify(p)},'a');process.stdout.write('open\\n');setTimeout(()=>{},60000)`,
      ]);
      await new Promise<void>((resolve) =>
        child.stdout.once('data', () => {
          resolve();
        }),
      );
      try {
        const rules = { ...DEFAULT_RULES, settleMs: 0 };
        assert.deepEqual(
          (await completeCandidates(dir, rules)).map((c) => c.name),
          [],
        );
        assert.deepEqual(
          (await completeCandidates(dir, { ...rules, checkWriters: false })).map((c) => c.name),
          ['writing.ckpt'],
        );
      } finally {
        child.kill('SIGKILL');
      }
      assert.equal(readFileSync(p, 'utf8'), 'x');
    } finally {
      cleanup();
    }
  });
});
