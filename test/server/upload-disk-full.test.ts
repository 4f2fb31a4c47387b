/**
 * A full disk under an upload (ENOSPC from the kernel: the spool file is
 * /dev/full): the PATCH is answered 507 E_NO_SPACE, the offset stays where
 * it was, and the process keeps serving (it used to wait for a `drain` that
 * never came, or die of the write error nobody awaited yet).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { TUS, bearer, createUpload, patch, startRegistry, type Harness } from './helpers.js';

describe('an upload onto a full disk', { skip: existsSync('/dev/full') ? false : 'no /dev/full here' }, () => {
  let h: Harness;
  before(async () => {
    h = await startRegistry('embedded', (c) => {
      c.workers = 0;
      c.testSpoolPath = '/dev/full';
    });
  });
  after(async () => h.destroy());

  it('answers 507 E_NO_SPACE, keeps the offset, and keeps serving', async () => {
    const t = h.tokens.uploader;
    // Larger than a write stream's buffer: the writer waits for a drain that a failed disk never sends.
    const body = randomBytes(1024 * 1024);
    const c = await createUpload(h.url, t, body.length, { org: 'acme', model: 'full-disk', filename: 'w.pt' });
    const loc = c.headers.get('location') ?? '';
    for (let i = 0; i < 3; i++) {
      const res = await patch(h.url, loc, t, 0, body);
      assert.equal(res.status, 507);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'E_NO_SPACE');
    }
    const head = await fetch(`${h.url}${loc}`, { method: 'HEAD', headers: { ...TUS, ...bearer(t) } });
    assert.equal(head.headers.get('upload-offset'), '0');
    assert.equal((await fetch(`${h.url}/api/models`, { headers: bearer(t) })).status, 200);
  });
});
