/** The shared temp-file helper (issue 23 item 2): exclusive 0600 creation, no symlink followed, same-file refusal. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
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
