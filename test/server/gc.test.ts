/**
 * Garbage collection (store/gc.ts) and the blob-missing state
 * (store/missing.ts), on the embedded database and on PostgreSQL: abandoned
 * uploads lose their parts, fresh ones keep theirs; a blob nothing refers
 * to is marked, then deleted after the grace period; a referenced blob is
 * never deleted, even marked; a collection racing an upload of the same
 * content never deletes the blob the upload refers to; a published artifact
 * whose blob is gone is recorded once (not retried), reported, not served,
 * and healed by an upload of the same file.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { claimBlob, collectGarbage } from '../../src/server/store/gc.js';
import { ROOT } from '../helpers.js';
import {
  BENIGN,
  POSTGRES,
  TUS,
  bearer,
  createUpload,
  patch,
  settle,
  startRegistry,
  upload,
  type ArtifactJson,
  type Backend,
  type Harness,
  type RescanJson,
} from './helpers.js';

/** Another benign checkpoint (its blobs are deleted by the blob-missing test; BENIGN's must stay). */
const OTHER = join(ROOT, 'test/fixtures/torch/clean__optimizer-state.pt');

interface GcJson {
  uploads: number;
  parts: number;
  scanned: number;
  marked: number;
  blobs: number;
  failed: number;
}

async function gc(h: Harness): Promise<GcJson> {
  const r = await fetch(`${h.url}/api/admin/gc`, { method: 'POST', headers: bearer(h.tokens.admin) });
  assert.equal(r.status, 200);
  return (await r.json()) as GcJson;
}

/** Backdates every mark, as if the grace period had passed. */
async function ageMarks(h: Harness): Promise<void> {
  await h.registry.app.sql.query(`update blob_gc set marked_at = now() - interval '2 days'`);
}

async function partsOf(h: Harness, upload: string): Promise<string[]> {
  const rows = await h.registry.app.sql.query<{ name: string }>('select name from upload_parts where upload_id = $1', [upload]);
  return rows.map((r) => r.name);
}

function gcSuite(backend: Backend): void {
  describe(`garbage collection and missing blobs (${backend})`, () => {
    let h: Harness;
    before(async () => {
      h = await startRegistry(backend, (c) => {
        c.gc.intervalSeconds = 0; // only the explicit runs of the test
      });
    });
    after(async () => h.destroy());

    it('deletes the parts of an abandoned upload and keeps a fresh one', async () => {
      const t = h.tokens.uploader;
      const oldLoc = (await createUpload(h.url, t, 100, { org: 'acme', model: 'abandoned', filename: 'w.bin' })).headers.get('location') ?? '';
      const newLoc = (await createUpload(h.url, t, 100, { org: 'acme', model: 'fresh', filename: 'w.bin' })).headers.get('location') ?? '';
      assert.equal((await patch(h.url, oldLoc, t, 0, randomBytes(40))).status, 204);
      assert.equal((await patch(h.url, newLoc, t, 0, randomBytes(40))).status, 204);
      const oldId = oldLoc.split('/').pop() ?? '';
      const newId = newLoc.split('/').pop() ?? '';
      const oldParts = await partsOf(h, oldId);
      assert.equal(oldParts.length, 1);
      await h.registry.app.sql.query(`update uploads set updated_at = now() - interval '25 hours' where id = $1`, [oldId]);
      const r = await gc(h);
      assert.equal(r.uploads, 1);
      assert.equal(r.parts, 1);
      assert.equal(r.failed, 0);
      for (const p of oldParts) await assert.rejects(h.registry.app.blobs.openPart(p), { code: 'E_NOT_FOUND' });
      assert.equal((await fetch(`${h.url}${oldLoc}`, { method: 'HEAD', headers: { ...TUS, ...bearer(t) } })).status, 404);
      // The fresh upload goes on where it was.
      const head = await fetch(`${h.url}${newLoc}`, { method: 'HEAD', headers: { ...TUS, ...bearer(t) } });
      assert.equal(head.headers.get('upload-offset'), '40');
      assert.equal((await partsOf(h, newId)).length, 1);
      // Idempotent: nothing more to do.
      assert.equal((await gc(h)).uploads, 0);
    });

    it('marks an unreferenced blob, deletes it only after the grace period, and never deletes a referenced one', async () => {
      const { blobs } = h.registry.app;
      const orphan = await blobs.putBytes(`orphan ${randomBytes(8).toString('hex')}`);
      const id = await upload(h.url, h.tokens.uploader, BENIGN, 'acme', 'kept');
      const a = await settle(h.url, h.tokens.uploader, id);
      assert.equal(a.state, 'published');
      const first = await gc(h);
      assert.ok(first.marked >= 1);
      assert.equal(first.blobs, 0);
      assert.ok(await blobs.has(orphan), 'deleted within the grace period');
      // Every blob the artifact refers to, marked by hand and aged: the reference check keeps them.
      const revs = await h.registry.app.sql.query<{ files: { sha256: string }[] }>('select files from revisions where artifact_id = $1', [id]);
      const used = [a.sha256, ...revs.flatMap((r) => r.files.map((f) => f.sha256))];
      assert.ok(used.length >= 4);
      await h.registry.app.sql.query('insert into blob_gc (sha256) select unnest($1::text[]) on conflict do nothing', [used]);
      await ageMarks(h);
      const second = await gc(h);
      assert.ok(second.blobs >= 1);
      assert.equal(second.failed, 0);
      assert.equal(await blobs.has(orphan), false);
      for (const d of used) assert.ok(await blobs.has(d), `referenced blob ${d} was deleted`);
      assert.equal((await fetch(`${h.url}/acme/kept/resolve/main/clean__state-dict-zip.safetensors`)).status, 200);
      // Idempotent.
      const third = await gc(h);
      assert.equal(third.blobs, 0);
      assert.equal(third.failed, 0);
    });

    it('keeps a blob claimed by a writer: the mark is removed, and a new one waits out the grace period', async () => {
      const { blobs, sql } = h.registry.app;
      const d = await blobs.putBytes(`claimed ${randomBytes(8).toString('hex')}`);
      await sql.query(`insert into blob_gc (sha256, marked_at) values ($1, now() - interval '2 days')`, [d]);
      await claimBlob(sql, d); // what an upload or the pipeline does before it stores a blob
      // A run between the claim and the reference marks it afresh and does not delete it.
      const r = await collectGarbage({ sql, blobs }, h.config.gc);
      assert.ok(await blobs.has(d));
      assert.ok(r.marked >= 1);
      assert.equal((await sql.query('select 1 from blob_gc where sha256 = $1', [d])).length, 1);
    });

    it('never deletes the blob of an upload that races a collection of the same digest', async () => {
      const { blobs, sql } = h.registry.app;
      for (let i = 0; i < 4; i++) {
        const body = Buffer.from(`race ${String(i)} ${randomBytes(16).toString('hex')}\n`.repeat(200));
        const digest = await blobs.putBytes(body);
        await sql.query(`insert into blob_gc (sha256, marked_at) values ($1, now() - interval '2 days')`, [digest]);
        const t = h.tokens.uploader;
        const send = async (): Promise<number> => {
          const c = await createUpload(h.url, t, body.length, { org: 'acme', model: `race${String(i)}`, filename: 'notes.txt' });
          const loc = c.headers.get('location') ?? '';
          const half = Math.floor(body.length / 2);
          assert.equal((await patch(h.url, loc, t, 0, body.subarray(0, half))).status, 204);
          const res = await patch(h.url, loc, t, half, body.subarray(half));
          assert.equal(res.status, 204);
          return Number(res.headers.get('upload-artifact'));
        };
        const [, id] = await Promise.all([gc(h), send(), gc(h)]);
        await gc(h);
        const a = await settle(h.url, t, id);
        assert.equal(a.sha256, digest);
        assert.ok(await blobs.has(digest), `round ${String(i)}: the uploaded blob was deleted`);
        assert.notEqual(a.state, 'quarantined', a.reason);
      }
    });

    it('records a published artifact whose blob is gone once, reports it, stops serving it, and heals it on a re-upload', async () => {
      const t = h.tokens.uploader;
      const { blobs, sql } = h.registry.app;
      const id = await upload(h.url, t, OTHER, 'acme', 'lost');
      const a = await settle(h.url, t, id);
      assert.equal(a.state, 'published');
      const served = `${h.url}/acme/lost/resolve/main/clean__optimizer-state.safetensors`;
      assert.equal((await fetch(served)).status, 200);
      await blobs.delete(a.sha256);
      // As after an engine upgrade: the artifact is due for a rescan.
      await sql.query(`update artifacts set engine = 'modelguard 0.0.0-old' where id = $1`, [id]);
      const q = await fetch(`${h.url}/api/admin/rescan`, { method: 'POST', headers: bearer(h.tokens.admin) });
      assert.equal(q.status, 202);
      const rescan = await settledRescan(h, id);
      assert.equal(rescan.state, 'failed');
      assert.match(JSON.stringify(rescan.diff), /blob missing/);
      const jobs = await sql.query<{ state: string; attempts: number }>(`select state, attempts from jobs where artifact_id = $1 and kind = 'rescan'`, [id]);
      assert.deepEqual(
        jobs.map((j) => [j.state, j.attempts]),
        [['done', 1]],
        'run once, not retried',
      );
      const marked = (await (await fetch(`${h.url}/api/artifacts/${String(id)}`, { headers: bearer(t) })).json()) as ArtifactJson & {
        blobMissing: { digests: string[]; by: string } | null;
      };
      assert.deepEqual(marked.blobMissing?.digests, [a.sha256]);
      assert.equal(marked.blobMissing.by, 'rescan');
      assert.ok(marked.steps.some((s) => s.step === 'blob-missing'));
      // Reported, listed, and not served.
      const health = (await (await fetch(`${h.url}/api/admin/health`, { headers: bearer(h.tokens.admin) })).json()) as {
        ok: boolean;
        blobMissing: { id: number }[];
      };
      assert.equal(health.ok, false);
      assert.deepEqual(
        health.blobMissing.map((m) => m.id),
        [id],
      );
      const models = (await (await fetch(`${h.url}/api/models`, { headers: bearer(t) })).json()) as { id: string; blobMissing: boolean }[];
      assert.equal(models.find((m) => m.id === 'acme/lost')?.blobMissing, true);
      assert.equal((await fetch(served)).status, 404);
      const ui = await fetch(`${h.url}/m/acme/lost`, { headers: { ...bearer(t), accept: 'text/html' } });
      assert.equal(ui.status, 200);
      assert.match(await ui.text(), new RegExp(`data-testid="blob-missing">[^<]*<code>${a.sha256}</code>`));
      // Not queued again (on start or on request): it stays recorded until the blob is back.
      await fetch(`${h.url}/api/admin/rescan`, { method: 'POST', headers: bearer(h.tokens.admin) });
      assert.equal((await sql.query(`select 1 from jobs where artifact_id = $1 and kind = 'rescan'`, [id])).length, 1);
      // The same file uploaded again brings the blob back: the mark is cleared and the rescan runs again.
      const again = await upload(h.url, t, OTHER, 'acme', 'lost-again');
      assert.ok(await blobs.has(a.sha256));
      const healed = await settledRescan(h, id);
      assert.equal(healed.state, 'done');
      assert.equal(healed.action, 'kept');
      const after = (await (await fetch(`${h.url}/api/artifacts/${String(id)}`, { headers: bearer(t) })).json()) as ArtifactJson & { blobMissing: unknown };
      assert.equal(after.blobMissing, null);
      assert.equal(after.state, 'published');
      assert.equal((await fetch(served)).status, 200);
      const h2 = (await (await fetch(`${h.url}/api/admin/health`, { headers: bearer(h.tokens.admin) })).json()) as { ok: boolean };
      assert.equal(h2.ok, true);
      assert.equal((await settle(h.url, t, again)).state, 'published');
      assert.equal(readFileSync(OTHER).length > 0, true);
    });
  });
}

/** The newest rescan of an artifact once it left `queued` (bounded). */
async function settledRescan(h: Harness, id: number): Promise<RescanJson> {
  for (let i = 0; i < 2400; i++) {
    const list = (await (await fetch(`${h.url}/api/rescans?artifact=${String(id)}`, { headers: bearer(h.tokens.uploader) })).json()) as RescanJson[];
    const r = list[0];
    if (r !== undefined && r.state !== 'queued') return r;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`the rescan of ${String(id)} never finished`);
}

gcSuite('embedded');
if (POSTGRES === undefined) {
  describe('garbage collection and missing blobs (postgres)', () => {
    it('needs MODELGUARD_TEST_POSTGRES (set by .ci/run)', { skip: 'MODELGUARD_TEST_POSTGRES is not set' }, () => undefined);
  });
} else {
  gcSuite('postgres');
}
