/**
 * Crash safety, for real: the watcher runs as a child process and is killed
 * with SIGKILL at each named step of the protocol (through the
 * MODELGUARD_VAULT_CRASH_AT hook) and at random moments, then restarted.
 * After every kill and at the end: nothing lost, no undecryptable file
 * under a final name, and finally everything archived and cleaned up.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { X25519Identity } from '../../src/age/x25519.js';
import { CRASH_ENV } from '../../src/vault/crash.js';
import { loadManifest } from '../../src/vault/manifest.js';
import { tempDir } from './helpers.js';
import { checkInvariants, writeTrainingRun, type Layout } from './vault-fixtures.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const { identity } = X25519Identity.generate();
const RECIPIENT = identity.recipient.toString();
const STEPS = ['encrypted', 'verified', 'pending', 'renamed', 'journaled', 'deleting', 'overwriting', 'deleted'];

function args(run: string): string[] {
  return [MAIN, 'vault', 'watch', run, '-r', RECIPIENT, '--once', '--settle', '0', '--delete-plaintext'];
}

function watchOnce(run: string, env: Record<string, string> = {}): { status: number | null; signal: NodeJS.Signals | null; stderr: string } {
  const r = spawnSync(process.execPath, args(run), { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, signal: r.signal, stderr: r.stderr };
}

async function finishAndCheck(run: string, layout: Layout): Promise<void> {
  const r = watchOnce(run);
  assert.equal(r.status, 0, r.stderr);
  const vault = `${run}.vault`;
  assert.equal(checkInvariants(run, vault, layout, [identity]).size, layout.size, 'everything is in the vault');
  assert.deepEqual(readdirSync(run), [], 'all plaintext removed');
  assert.deepEqual(
    readdirSync(vault).filter((f) => f.endsWith('.partial') || f.endsWith('.tmp')),
    [],
  );
  const m = await loadManifest(vault);
  assert.ok(
    m.entries.every((e) => e.state === 'plaintext-deleted'),
    JSON.stringify(m.entries.map((e) => e.state)),
  );
  assert.equal(m.entries.length, 4, 'no duplicate copies');
}

describe('vault crash safety (kill -9)', () => {
  for (const step of STEPS) {
    it(`killed at "${step}", restarted: nothing lost, nothing half-written`, async () => {
      const { dir, cleanup } = tempDir();
      try {
        const run = join(dir, 'run');
        const layout = writeTrainingRun(run, { big: 200_000, small: 3000 });
        const r = watchOnce(run, { [CRASH_ENV]: step });
        assert.equal(r.signal, 'SIGKILL', `expected the hook to fire at ${step}: ${r.stderr}`);
        checkInvariants(run, `${run}.vault`, layout, [identity]);
        await finishAndCheck(run, layout);
      } finally {
        cleanup();
      }
    });
  }

  it('killed at random moments while encrypting multi-MiB checkpoints on worker threads', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const run = join(dir, 'run');
      // A full run takes well over the longest delay below, so most runs are cut short.
      const layout = writeTrainingRun(run, { big: 64 * 1024 * 1024, small: 64 * 1024 });
      let seed = 12345;
      let kills = 0;
      for (let i = 0; i < 8; i++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const delay = 40 + (seed % 200);
        const child = spawn(process.execPath, args(run), { stdio: 'ignore', env: { ...process.env, MODELGUARD_THREADS: '2' } });
        const exited = new Promise<NodeJS.Signals | null>((resolve) =>
          child.once('exit', (_code, signal) => {
            resolve(signal);
          }),
        );
        const timer = setTimeout(() => child.kill('SIGKILL'), delay);
        if ((await exited) === 'SIGKILL') kills++;
        clearTimeout(timer);
        checkInvariants(run, `${run}.vault`, layout, [identity]);
        if (!existsSync(run) || readdirSync(run).length === 0) break;
      }
      assert.ok(kills >= 2, `only ${kills} runs were interrupted; the kills came too late to test anything`);
      await finishAndCheck(run, layout);
    } finally {
      cleanup();
    }
  });
});
