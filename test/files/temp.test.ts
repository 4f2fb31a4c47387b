/** The shared temp-file helper (issue 23 item 2): exclusive 0600 creation, no symlink followed, same-file refusal. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ModelguardError } from '../../src/errors.js';
import { atomicWrite, writeAll } from '../../src/files/fsutil.js';
import { createTempSync, discardTempSync, liveTemps, refuseSameFile, TEMP_FLAGS, writeFileAtomicSync } from '../../src/files/temp.js';
import { constants } from 'node:fs';

const dir = mkdtempSync(join(tmpdir(), 'mg-temp-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('temporary files', () => {
  it('are created exclusively, without following links, mode 0600, and tracked until discarded', () => {
    assert.equal(TEMP_FLAGS & constants.O_EXCL, constants.O_EXCL);
    assert.equal(TEMP_FLAGS & constants.O_NOFOLLOW, constants.O_NOFOLLOW);
    const t = createTempSync(join(dir, 'target.bin'));
    assert.equal(statSync(t.path).mode & 0o777, 0o600);
    assert.ok(liveTemps().includes(t.path));
    discardTempSync(t.path);
    assert.equal(existsSync(t.path), false);
    assert.ok(!liveTemps().includes(t.path));
  });
  it('writeFileAtomicSync leaves the final mode and no temp behind', () => {
    const target = join(dir, 'report.txt');
    writeFileAtomicSync(target, 'hello', 0o644);
    assert.equal(readFileSync(target, 'utf8'), 'hello');
    // Group and others get no more than read (the umask may take that away too), never write.
    assert.equal(statSync(target).mode & 0o033, 0);
    assert.equal(statSync(target).mode & 0o600, 0o600);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
    assert.equal(liveTemps().length, 0);
  });
  it('an error removes the temp file and keeps the target', async () => {
    const target = join(dir, 'kept.txt');
    writeFileSync(target, 'old');
    await assert.rejects(
      atomicWrite(target, async (h) => {
        await writeAll(h, [Buffer.from('partial')]);
        throw new ModelguardError('E_IO', 'disk on fire');
      }),
    );
    assert.equal(readFileSync(target, 'utf8'), 'old');
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('kept') && f.endsWith('.tmp')),
      [],
    );
  });
  it('refuses an output that is the input, by name or through a link', () => {
    const input = join(dir, 'in.pt');
    writeFileSync(input, 'x');
    assert.throws(() => {
      refuseSameFile(input, input);
    }, ModelguardError);
    const link = join(dir, 'link.pt');
    symlinkSync(input, link);
    assert.throws(() => {
      refuseSameFile(input, link);
    }, ModelguardError);
    refuseSameFile(input, join(dir, 'other.pt'));
  });
});

/**
 * A child that holds a temporary file when SIGTERM arrives: with no handler
 * of its own it dies by the signal and leaves nothing behind; a program that
 * claims the signal (the vault daemon, the registry) stops on its own terms,
 * even when its listener is a `process.once` one (removed before it runs,
 * which a listener count took for "no handler", killing the daemon mid-stop).
 */
describe('temporary files and signals', () => {
  const TEMP = new URL('../../src/files/temp.js', import.meta.url).href;
  function child(claim: boolean): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; temp: string }> {
    const script = `
      import { createTempSync, handleSignalsHere, discardTempSync } from ${JSON.stringify(TEMP)};
      let t;
      // The daemon's order: its handler first, the temporary file (and the guard's listener) later.
      if (${String(claim)}) {
        handleSignalsHere(['SIGTERM']);
        process.once('SIGTERM', () => { setTimeout(() => { discardTempSync(t.path); process.stdout.write('stopped\\n'); process.exit(0); }, 50); });
      }
      t = createTempSync(${JSON.stringify(join(dir, 'held.bin'))});
      process.stdout.write(t.path + '\\n');
      setInterval(() => {}, 1000);
    `;
    return new Promise((resolve, reject) => {
      const c = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      let temp = '';
      c.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (temp === '' && out.includes('\n')) {
          temp = out.split('\n')[0] as string;
          c.kill('SIGTERM');
        }
      });
      c.once('error', reject);
      c.once('exit', (code, signal) => {
        resolve({ code, signal, out, temp });
      });
    });
  }
  it('without a claim: the process dies by the signal and the temporary file is removed', async () => {
    const r = await child(false);
    assert.equal(r.signal, 'SIGTERM');
    assert.notEqual(r.temp, '');
    assert.equal(existsSync(r.temp), false);
  });
  it('with a claim: a process.once handler stops the process gracefully', async () => {
    const r = await child(true);
    assert.equal(r.signal, null, 'killed by the temp guard during its graceful stop');
    assert.equal(r.code, 0);
    assert.match(r.out, /stopped/);
    assert.equal(existsSync(r.temp), false);
  });
});
