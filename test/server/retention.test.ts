/**
 * Retention of superseded revisions (store/retention.ts), orphaned upload
 * parts, and the indexed reference check of garbage collection (store/gc.ts),
 * on the embedded database and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { migrate } from '../../src/server/db/schema.js';
import { LocalBlobStore } from '../../src/server/store/blobs.js';
import { REFERENCED_AMONG, referenced } from '../../src/server/store/gc.js';
import { POSTGRES, bearer, createUpload, patch, settle, startRegistry, type ArtifactJson, type Backend, type Harness } from './helpers.js';

interface GcJson {
  revisions: number;
  orphanParts: number;
  blobs: number;
  failed: number;
  dryRun?: boolean;
  plan?: { org: string; model: string; rev: string; artifact: number }[];
}

async function gc(h: Harness, query = ''): Promise<GcJson> {
  const r = await fetch(`${h.url}/api/admin/gc${query}`, { method: 'POST', headers: bearer(h.tokens.admin) });
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()) as GcJson;
}

/** Uploads `body` as notes.txt of acme/`model` and waits for the pipeline; returns the artifact. */
async function publish(h: Harness, model: string, body: Buffer): Promise<ArtifactJson> {
  const t = h.tokens.uploader;
  const c = await createUpload(h.url, t, body.length, { org: 'acme', model, filename: 'notes.txt' });
  assert.equal(c.status, 201);
  const res = await patch(h.url, c.headers.get('location') ?? '', t, 0, body);
  assert.equal(res.status, 204);
  const a = await settle(h.url, t, Number(res.headers.get('upload-artifact')));
  assert.equal(a.state, 'published', a.reason);
  return a;
}

function text(): Buffer {
  return Buffer.from(`notes ${randomBytes(16).toString('hex')}\n`.repeat(20));
}

/** Every blob a published artifact refers to: its upload and the files of its revision. */
function blobsOf(a: ArtifactJson): string[] {
  const files = a.steps.find((s) => s.step === 'publish')?.evidence['files'] as { sha256: string }[];
  return [...new Set([a.sha256, ...files.map((f) => f.sha256)])];
}

async function resolve(h: Harness, rev: string): Promise<number> {
  return (await fetch(`${h.url}/acme/ret/resolve/${rev}/notes.txt`)).status;
}

async function pin(h: Harness, rev: string, on: boolean): Promise<number> {
  return (await fetch(`${h.url}/api/admin/pins/acme/ret/${rev}`, { method: on ? 'PUT' : 'DELETE', headers: bearer(h.tokens.admin) })).status;
}

function retentionSuite(backend: Backend): void {
  describe(`retention, orphaned parts and the reference index (${backend})`, () => {
    let h: Harness;
    before(async () => {
      h = await startRegistry(backend, (c) => {
        c.gc.intervalSeconds = 0; // only the explicit runs of the test
        c.gc.keepRevisions = 1;
      });
    });
    after(async () => h.destroy());

    it('drops revisions beyond the newest N but never main, a pinned one or one with a job; a dry run changes nothing; their blobs go after the grace period', async () => {
      const { sql, blobs } = h.registry.app;
      const r: ArtifactJson[] = [];
      for (let i = 0; i < 5; i++) r.push(await publish(h, 'ret', text()));
      const [r1, r2, r3, r4, r5] = r as [ArtifactJson, ArtifactJson, ArtifactJson, ArtifactJson, ArtifactJson];
      const solo = await publish(h, 'solo', text());
      assert.equal(await pin(h, r1.revision, true), 200);
      assert.equal(await pin(h, 'f'.repeat(64), true), 404);
      // A rescan of r2 is running elsewhere; the newest, r5, was withdrawn by a rescan: main is r4.
      await sql.query(`insert into jobs (artifact_id, kind, state, worker, locked_at) values ($1, 'rescan', 'running', 'elsewhere', now())`, [r2.id]);
      await sql.query(`update artifacts set state = 'quarantined' where id = $1`, [r5.id]);
      assert.equal((await fetch(`${h.url}/acme/ret/resolve/main/notes.txt`)).headers.get('x-repo-commit'), r4.revision);

      const dry = await gc(h, '?dry-run=1');
      assert.equal(dry.dryRun, true);
      assert.deepEqual(
        dry.plan?.map((p) => p.rev),
        [r3.revision],
      );
      assert.deepEqual((await gc(h, '?dry-run=1&keep-revisions=10')).plan, []);
      assert.equal((await fetch(`${h.url}/api/admin/gc?dry-run=1&keep-revisions=0`, { method: 'POST', headers: bearer(h.tokens.admin) })).status, 400);
      assert.equal(await resolve(h, r3.revision), 200, 'a dry run dropped a revision');

      const run = await gc(h);
      assert.equal(run.revisions, 1);
      assert.equal(await resolve(h, r3.revision), 404);
      for (const kept of [r1, r2, r4]) assert.equal(await resolve(h, kept.revision), 200);
      const retired = (await (await fetch(`${h.url}/api/artifacts/${String(r3.id)}`, { headers: bearer(h.tokens.uploader) })).json()) as ArtifactJson & {
        retired: { rev: string } | null;
      };
      assert.equal(retired.retired?.rev, r3.revision);
      assert.ok(retired.steps.some((s) => s.step === 'retired'));
      const page = await fetch(`${h.url}/m/acme/ret`, { headers: { ...bearer(h.tokens.uploader), accept: 'text/html' } });
      assert.equal(page.status, 200);
      assert.match(await page.text(), /data-testid="retired"/);
      assert.equal((await gc(h)).revisions, 0, 'not idempotent');

      // The dropped revision's blobs are marked; once the grace period passed they are deleted, and only they.
      const gone = blobsOf(r3);
      await sql.query(`update blob_gc set marked_at = now() - interval '2 days'`);
      const freed = await gc(h);
      assert.equal(freed.failed, 0);
      for (const d of gone) assert.equal(await blobs.has(d), false, `blob ${d} of the dropped revision is still stored`);
      for (const a of [r1, r2, r4, r5, solo]) for (const d of blobsOf(a)) assert.ok(await blobs.has(d), `blob ${d} of a kept revision was deleted`);

      // What protected the others: the job ends, the pin is lifted; each is then dropped. Main and the newest stay.
      await sql.query(`update jobs set state = 'done' where artifact_id = $1 and worker = 'elsewhere'`, [r2.id]);
      assert.equal((await gc(h)).revisions, 1);
      assert.equal(await resolve(h, r2.revision), 404);
      assert.equal(await pin(h, r1.revision, false), 200);
      assert.equal((await gc(h)).revisions, 1);
      assert.equal(await resolve(h, r1.revision), 404);
      assert.equal((await gc(h)).revisions, 0);
      const left = await sql.query<{ rev: string }>(`select rev from revisions where org = 'acme' and model = 'ret' order by created_at`);
      assert.deepEqual(
        left.map((x) => x.rev),
        [r4.revision, r5.revision],
      );
      assert.equal((await sql.query(`select 1 from revisions where org = 'acme' and model = 'solo'`)).length, 1);
    });

    it('deletes stored parts no upload in progress records once the grace period passed, never a part of an upload in progress', async () => {
      const blobs = h.registry.app.blobs;
      assert.ok(blobs instanceof LocalBlobStore, 'this suite runs on the local blob store');
      const work = mkdtempSync(join(tmpdir(), 'mg-parts-'));
      const put = async (id: string, tag: string, old: boolean): Promise<string> => {
        const name = `${id}/0000000000000000-${tag}`;
        const file = join(work, tag);
        const body = randomBytes(64);
        writeFileSync(file, body);
        await blobs.putPart(name, file);
        if (old) utimesSync(blobs.partPath(name), new Date(Date.now() - 2 * 86400_000), new Date(Date.now() - 2 * 86400_000));
        return name;
      };
      const exists = async (name: string): Promise<boolean> =>
        blobs.openPart(name).then(
          (s) => {
            s.destroy();
            return true;
          },
          () => false,
        );
      try {
        const t = h.tokens.uploader;
        // A part left by a process killed before it recorded it, for an upload since completed.
        const doneLoc = (await createUpload(h.url, t, 10, { org: 'acme', model: 'parts', filename: 'notes.txt' })).headers.get('location') ?? '';
        assert.equal((await patch(h.url, doneLoc, t, 0, Buffer.from('done done\n'))).status, 204);
        const liveLoc = (await createUpload(h.url, t, 100, { org: 'acme', model: 'parts', filename: 'notes.txt' })).headers.get('location') ?? '';
        const live = liveLoc.split('/').pop() ?? '';
        const ofGone = await put(randomBytes(16).toString('hex'), 'aaaaaaaa', true);
        const fresh = await put(randomBytes(16).toString('hex'), 'bbbbbbbb', false);
        const ofLive = await put(live, 'cccccccc', true);
        const ofDone = await put(doneLoc.split('/').pop() ?? '', 'dddddddd', true);
        const r = await gc(h);
        assert.equal(r.orphanParts, 2);
        assert.equal(await exists(ofGone), false);
        assert.equal(await exists(ofDone), false);
        assert.equal(await exists(fresh), true, 'a part younger than the grace period was deleted');
        assert.equal(await exists(ofLive), true, 'a part of an upload in progress was deleted');
        assert.equal((await gc(h)).orphanParts, 0);
        // Its upload abandoned (the row gone), the part that was never recorded goes too.
        await h.registry.app.sql.query('delete from uploads where id = $1', [live]);
        assert.equal((await gc(h)).orphanParts, 1);
        assert.equal(await exists(ofLive), false);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });

    it('looks references up by digest in an index, filled for revisions recorded before the index existed', async () => {
      const { sql } = h.registry.app;
      const a = await publish(h, 'indexed', text());
      const digests = blobsOf(a);
      const plan = await sql.transaction(async (tx) => {
        await tx.query('set local enable_seqscan = off'); // whatever the table size, a plan that must read every revision shows itself
        return (await tx.query<{ 'QUERY PLAN': string }>(`explain ${REFERENCED_AMONG}`, [digests])).map((p) => p['QUERY PLAN']).join('\n');
      });
      assert.doesNotMatch(plan, /Seq Scan on revisions|jsonb_array_elements/, plan);
      assert.match(plan, /Index (Only )?Scan .*on revision_blobs|Bitmap Index Scan on revision_blobs/, plan);
      // A database from before the referencing table: migrating fills it from the revisions already recorded.
      await sql.query(`delete from revision_blobs`);
      await sql.query(`delete from meta where key = 'revision_blobs'`);
      assert.equal((await referenced(sql, digests)).size, 1, 'only the artifact refers to its upload without the table');
      await migrate(sql);
      assert.deepEqual([...(await referenced(sql, digests))].sort(), [...digests].sort());
    });
  });
}

retentionSuite('embedded');
if (POSTGRES === undefined) {
  describe('retention, orphaned parts and the reference index (postgres)', () => {
    it('needs MODELGUARD_TEST_POSTGRES (set by .ci/run)', { skip: 'MODELGUARD_TEST_POSTGRES is not set' }, () => undefined);
  });
} else {
  retentionSuite('postgres');
}
