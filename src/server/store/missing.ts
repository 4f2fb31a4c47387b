/**
 * An artifact whose blob is gone from the store (deleted by hand, a bucket
 * lifecycle rule, a restore from an older backup) is a recorded state, not a
 * job that fails forever: `artifacts.blob_missing` holds the missing digests,
 * when and by what they were found missing. Such an artifact is not served,
 * is not queued for rescans, and is listed by `GET /api/admin/health`, the
 * model listing and the artifact's page. Uploading the same content again
 * (any upload whose blob has one of those digests) heals it: once every
 * missing digest is back, the mark is cleared and the work it stopped is
 * queued again (its rescan, or its pipeline).
 */
import type { Sql } from '../db/sql.js';
import { audit } from './audit.js';
import { addStep } from './artifacts.js';
import type { BlobStore } from './blobs.js';

export interface BlobMissing {
  /** The digests not found in the store. */
  digests: string[];
  /** What found them missing: a rescan, or the pipeline. */
  by: 'rescan' | 'pipeline';
  at: string;
}

/** The digests among `digests` the store does not have. */
export async function missingOf(blobs: BlobStore, digests: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of new Set(digests)) if (!(await blobs.has(d))) out.push(d);
  return out;
}

export async function markMissing(tx: Pick<Sql, 'query'>, a: { id: number; org: string; model: string }, m: Omit<BlobMissing, 'at'>): Promise<void> {
  const mark: BlobMissing = { ...m, at: new Date().toISOString() };
  await tx.query('update artifacts set blob_missing = $2 where id = $1', [a.id, JSON.stringify(mark)]);
  await addStep(tx, a.id, 'blob-missing', 'failed', { ...mark });
  await audit(tx, 'pipeline', 'blob.missing', `${a.org}/${a.model}#${a.id}`, { ...mark });
}

/** The blob `sha256` was stored again: clears the mark of every artifact whose missing blobs are all back, and queues its work again. Returns how many. */
export async function healMissing(sql: Sql, blobs: BlobStore, sha256: string): Promise<number> {
  const rows = await sql.query<{ id: string; blob_missing: BlobMissing }>(
    `select id, blob_missing from artifacts where blob_missing is not null and blob_missing->'digests' @> jsonb_build_array($1::text)`,
    [sha256],
  );
  let healed = 0;
  for (const r of rows) {
    if ((await missingOf(blobs, r.blob_missing.digests)).length > 0) continue;
    const done = await sql.transaction(async (tx) => {
      const a = await tx.query<{ org: string; model: string; state: string }>(
        'update artifacts set blob_missing = null where id = $1 and blob_missing is not null returning org, model, state',
        [r.id],
      );
      const row = a[0];
      if (row === undefined) return false;
      const id = Number(r.id);
      await addStep(tx, id, 'blob-restored', 'done', { digests: r.blob_missing.digests });
      await audit(tx, 'pipeline', 'blob.restored', `${row.org}/${row.model}#${id}`, { digests: r.blob_missing.digests });
      if (r.blob_missing.by === 'pipeline' && row.state === 'quarantined') {
        // The pipeline stopped for the missing blob: run it again.
        await tx.query(`update artifacts set state = 'queued', reason = 'queued again: its blob was uploaded again' where id = $1`, [id]);
        await tx.query('insert into jobs (artifact_id) values ($1)', [id]);
      } else {
        // The rescan that found it missing: queue it again (queueRescans skips artifacts with a missing blob).
        await tx.query(
          `with q as (insert into jobs (artifact_id, kind) select $1, 'rescan'
                        where not exists (select 1 from jobs j where j.artifact_id = $1 and j.kind = 'rescan' and j.state in ('queued', 'running'))
                        returning id)
           insert into rescans (artifact_id, job_id, old_engine, old_policy, old_verdict)
             select $1, q.id, a.engine, a.policy, a.verdict from q, artifacts a where a.id = $1`,
          [id],
        );
      }
      return true;
    });
    if (done) healed++;
  }
  return healed;
}

/** Artifacts marked blob-missing, for the health endpoint (at most `limit`). */
export async function listMissing(
  sql: Sql,
  limit = 1000,
): Promise<{ id: number; org: string; model: string; filename: string; state: string; missing: BlobMissing }[]> {
  const rows = await sql.query<{ id: string; org: string; model: string; filename: string; state: string; blob_missing: BlobMissing }>(
    'select id, org, model, filename, state, blob_missing from artifacts where blob_missing is not null order by id limit $1',
    [limit],
  );
  return rows.map((r) => ({ id: Number(r.id), org: r.org, model: r.model, filename: r.filename, state: r.state, missing: r.blob_missing }));
}
