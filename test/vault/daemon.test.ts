/**
 * The long-running watcher, briefly: a checkpoint written slowly is only
 * archived once complete; a folder renamed into place (Hugging Face's
 * tmp-checkpoint-N -> checkpoint-N) is archived; SIGTERM stops it cleanly.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decryptBytes } from '../../src/age/decrypt.js';
import { X25519Identity } from '../../src/age/x25519.js';
import { pseudoRandom, tempDir } from './helpers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (cond()) return true;
    await sleep(50);
  }
  return cond();
}

describe('vault watch (long-running)', () => {
  it('archives checkpoints as they complete and stops on SIGTERM', async () => {
    const { identity } = X25519Identity.generate();
    const { dir, cleanup } = tempDir();
    const run = join(dir, 'run');
    const vault = `${run}.vault`;
    mkdirSync(run);
    const child = spawn(process.execPath, [MAIN, 'vault', 'watch', run, '-r', identity.recipient.toString(), '--settle', '1500', '--interval', '150'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => {
        resolve(code);
      }),
    );
    try {
      // A loaded machine (the suites run in parallel) can take many seconds to start the watcher: the waits are bounds, not timings.
      // A checkpoint written in pieces over ~1 s: must not be archived half-written.
      const p = join(run, 'epoch=0-step=10.ckpt');
      const pieces = [pseudoRandom(50_000, 1), pseudoRandom(50_000, 2), pseudoRandom(50_000, 3), pseudoRandom(50_000, 4)];
      writeFileSync(p, pieces[0] as Uint8Array);
      for (const piece of pieces.slice(1)) {
        await sleep(200); // well under the 1500 ms settle time, even on a loaded machine
        appendFileSync(p, piece);
      }
      const final = join(vault, 'epoch=0-step=10.ckpt.age');
      assert.ok(await until(() => existsSync(final), 120_000), `not archived: ${stderr}`);
      assert.deepEqual(Buffer.from(decryptBytes(readFileSync(final), [identity])), Buffer.concat(pieces));
      assert.ok(!existsSync(join(vault, 'epoch=0-step=10.ckpt.v2.age')), 'archived once');

      // Folder built under a temp name, then renamed into place.
      const tmp = join(run, 'tmp-checkpoint-20');
      mkdirSync(tmp);
      writeFileSync(join(tmp, 'model.safetensors'), pseudoRandom(10_000, 5));
      renameSync(tmp, join(run, 'checkpoint-20'));
      assert.ok(await until(() => existsSync(join(vault, 'checkpoint-20.tar.age')), 120_000), `folder not archived: ${stderr}`);
    } finally {
      // A failed wait above is the error to see; the exit status is checked only after a clean run.
      child.kill('SIGTERM');
      await exited;
      cleanup();
    }
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /2 archived/);
  });
});
