/**
 * Uploads across web processes and under faults (upload/tus.ts), run by
 * cases.ts against every configuration: an upload begun on one process is
 * finished on another (they share the database and the blob store), two
 * writers of one offset never interleave, a blob store that fails keeps the
 * offset and leaks no spooled file, and a pipeline whose blob store fails
 * once is run again instead of quarantining the file.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RegistryError } from '../../src/server/errors.js';
import { createRegistry, type Registry } from '../../src/server/registry.js';
import type { BlobStore } from '../../src/server/store/blobs.js';
import { BENIGN, TUS, bearer, createUpload, patch, settle, type Backend, type Harness } from './helpers.js';

async function offsetOf(url: string, loc: string, token: string): Promise<string | null> {
  return (await fetch(`${url}${loc}`, { method: 'HEAD', headers: { ...TUS, ...bearer(token) } })).headers.get('upload-offset');
}

function spooled(h: Harness): string[] {
  return readdirSync(join(h.config.dataDir, 'uploads')).filter((f) => f.endsWith('.spool') || f.endsWith('.whole'));
}

export function uploadFaultCases(backend: Backend, harness: () => Harness): void {
  describe('uploads across web processes and under faults', () => {
    let h: Harness;
    /** A second web process on the same database and blob store (its own data folder where blobs are not in it). */
    let other: Registry | undefined;
    let otherUrl: string;
    let otherDir: string | undefined;
    const data = readFileSync(BENIGN);
    const digest = createHash('sha256').update(data).digest('hex');

    before(async () => {
      h = harness();
      if (backend === 'embedded') {
        otherUrl = h.url; // one process owns the embedded database
        return;
      }
      otherDir = h.config.blobs.kind === 's3' ? mkdtempSync(join(tmpdir(), 'mg-registry-other-')) : undefined;
      other = await createRegistry({ ...h.config, dataDir: otherDir ?? h.config.dataDir, workers: 0 });
      otherUrl = await other.listen(0);
    });
    after(async () => {
      await other?.close();
      if (otherDir !== undefined) rmSync(otherDir, { recursive: true, force: true });
    });

    it('finishes on one web process an upload begun on another, with the right digest', async () => {
      const t = h.tokens.uploader;
      const c = await createUpload(h.url, t, data.length, { org: 'acme', model: 'two-processes', filename: 'w.pt' });
      const loc = c.headers.get('location') ?? '';
      const third = Math.floor(data.length / 3);
      assert.equal((await patch(h.url, loc, t, 0, data.subarray(0, third))).status, 204);
      assert.equal(await offsetOf(otherUrl, loc, t), String(third));
      assert.equal((await patch(otherUrl, loc, t, third, data.subarray(third, 2 * third))).status, 204);
      assert.equal(await offsetOf(h.url, loc, t), String(2 * third));
      const res = await patch(h.url, loc, t, 2 * third, data.subarray(2 * third));
      assert.equal(res.status, 204);
      const a = await settle(h.url, t, Number(res.headers.get('upload-artifact')));
      assert.equal(a.sha256, digest);
      assert.equal(a.state, 'published');
      // The parts are gone once assembled.
      assert.equal(
        (await h.registry.app.sql.query('select 1 from upload_parts p join uploads u on u.id = p.upload_id where u.model = $1', ['two-processes'])).length,
        0,
      );
    });

    it('stores one of two PATCHes at the same offset and refuses the other (409): bytes never interleave', async () => {
      const t = h.tokens.uploader;
      const c = await createUpload(h.url, t, data.length, { org: 'acme', model: 'raced', filename: 'w.pt' });
      const loc = c.headers.get('location') ?? '';
      const half = Math.floor(data.length / 2);
      const wrong = Buffer.alloc(half, 0x41);
      const [x, y] = await Promise.all([patch(h.url, loc, t, 0, data.subarray(0, half)), patch(otherUrl, loc, t, 0, wrong)]);
      assert.deepEqual([x.status, y.status].sort(), [204, 409]);
      assert.equal(await offsetOf(h.url, loc, t), String(half));
      const res = await patch(h.url, loc, t, half, data.subarray(half));
      assert.equal(res.status, 204);
      const a = await settle(h.url, t, Number(res.headers.get('upload-artifact')));
      // Whichever won, the blob is exactly the bytes of the winning PATCH followed by the rest.
      const expected = createHash('sha256')
        .update(x.status === 204 ? data.subarray(0, half) : wrong)
        .update(data.subarray(half))
        .digest('hex');
      assert.equal(a.sha256, expected);
    });

    it('keeps the offset and no spooled file when the blob store fails to take a part; the upload then resumes', async () => {
      const t = h.tokens.uploader;
      const blobs = h.registry.app.blobs as BlobStore & { putPart: BlobStore['putPart'] };
      const real = blobs.putPart.bind(blobs);
      const c = await createUpload(h.url, t, data.length, { org: 'acme', model: 'store-down', filename: 'w.pt' });
      const loc = c.headers.get('location') ?? '';
      blobs.putPart = () => Promise.reject(new RegistryError('E_STORAGE', 'the bucket is away'));
      try {
        const res = await patch(h.url, loc, t, 0, data);
        assert.equal(res.status, 502);
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'E_STORAGE');
      } finally {
        blobs.putPart = real;
      }
      assert.equal(await offsetOf(h.url, loc, t), '0');
      assert.deepEqual(spooled(h), []);
      const res = await patch(h.url, loc, t, 0, data);
      assert.equal(res.status, 204);
      assert.equal((await settle(h.url, t, Number(res.headers.get('upload-artifact')))).sha256, digest);
    });

    it('finishes on HEAD an upload whose last PATCH stored every byte but failed to become a blob', async () => {
      const t = h.tokens.uploader;
      const blobs = h.registry.app.blobs as BlobStore & { adopt: BlobStore['adopt']; adoptPart: BlobStore['adoptPart'] };
      const realAdopt = blobs.adopt.bind(blobs);
      const realAdoptPart = blobs.adoptPart.bind(blobs);
      const c = await createUpload(h.url, t, data.length, { org: 'acme', model: 'finish-later', filename: 'w.pt' });
      const loc = c.headers.get('location') ?? '';
      const half = Math.floor(data.length / 2);
      assert.equal((await patch(h.url, loc, t, 0, data.subarray(0, half))).status, 204);
      blobs.adopt = () => Promise.reject(new RegistryError('E_STORAGE', 'the bucket is away'));
      blobs.adoptPart = () => Promise.reject(new RegistryError('E_STORAGE', 'the bucket is away'));
      try {
        const res = await patch(h.url, loc, t, half, data.subarray(half));
        assert.equal(res.status, 502);
        const head = await fetch(`${h.url}${loc}`, { method: 'HEAD', headers: { ...TUS, ...bearer(t) } });
        assert.equal(head.headers.get('upload-offset'), String(data.length));
        assert.equal(head.headers.get('upload-artifact'), null);
      } finally {
        blobs.adopt = realAdopt;
        blobs.adoptPart = realAdoptPart;
      }
      const head = await fetch(`${h.url}${loc}`, { method: 'HEAD', headers: { ...TUS, ...bearer(t) } });
      assert.equal(head.headers.get('upload-offset'), String(data.length));
      const id = Number(head.headers.get('upload-artifact'));
      assert.ok(id > 0);
      // Once: HEAD again names the same artifact.
      const again = await fetch(`${h.url}${loc}`, { method: 'HEAD', headers: { ...TUS, ...bearer(t) } });
      assert.equal(Number(again.headers.get('upload-artifact')), id);
      const a = await settle(h.url, t, id);
      assert.equal(a.sha256, digest);
      assert.deepEqual(spooled(h), []);
    });

    it(
      'runs a pipeline again when the blob store fails under it, instead of quarantining the file',
      { skip: backend === 'redis' || backend === 'scaled' ? 'the workers are other processes here' : false },
      async () => {
        const blobs = h.registry.app.blobs as BlobStore & { copyTo: BlobStore['copyTo'] };
        const real = blobs.copyTo.bind(blobs);
        let failed = 0;
        blobs.copyTo = (sha256, file) => {
          if (file.endsWith('/flaky.pt') && failed === 0) {
            failed++;
            return Promise.reject(new RegistryError('E_STORAGE', 'the bucket is away'));
          }
          return real(sha256, file);
        };
        try {
          const t = h.tokens.uploader;
          const c = await createUpload(h.url, t, data.length, { org: 'acme', model: 'store-flaky', filename: 'flaky.pt' });
          const res = await patch(h.url, c.headers.get('location') ?? '', t, 0, data);
          const id = Number(res.headers.get('upload-artifact'));
          const a = await settle(h.url, h.tokens.uploader, id);
          assert.equal(failed, 1);
          assert.equal(a.state, 'published');
          const jobs = await h.registry.app.sql.query<{ attempts: number }>('select attempts from jobs where artifact_id = $1', [id]);
          assert.equal(jobs[0]?.attempts, 2);
        } finally {
          blobs.copyTo = real;
        }
      },
    );
  });
}
