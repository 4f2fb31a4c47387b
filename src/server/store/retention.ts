/**
 * Retention of superseded revisions. With `keepRevisions` = N (0: keep
 * everything, the default), a garbage collection run drops the revisions of
 * each model (org/model: the line `main` moves along) beyond its N newest,
 * except a revision that is
 *
 * - among the N newest of its model (N ≥ 1: the newest is never dropped);
 * - the model's `main`: its newest *served* revision (published, no blob
 *   missing), which may be older than the N newest when a rescan withdrew
 *   the newer ones;
 * - pinned by an admin (`PUT /api/admin/pins/:org/:model/:rev`: a
 *   deployment refers to it by id);
 * - of an artifact `held` for a reviewer (a release would publish it again)
 *   or with a job queued or running (a rescan reads its files).
 *
 * Dropping a revision deletes its row (it answers 404 from then on), retires
 * its artifact (`retired`, a step and an audit entry: the record stays,
 * nothing of it is served or rescanned) and marks the blobs it referred to,
 * so the collection deletes them after the grace period: only those nothing
 * else refers to (a file shared with a kept revision, of this or another
 * model, stays). Each drop re-checks its rule in the transaction that does
 * it, under a lock on the artifact; a run drops at most its budget and the
 * next run goes on; a dry run answers the plan and changes nothing.
 */
import type { Sql } from '../db/sql.js';
import { audit } from './audit.js';
import { addStep } from './artifacts.js';

export interface RetentionDrop {
  org: string;
  model: string;
  rev: string;
  artifact: number;
}

/** The conditions that protect revision `x` (columns org, model, rev, artifact_id, pinned) when it is not among the `$1` newest. */
const DROPPABLE = `x.pinned is null
  and a.state <> 'held'
  and not exists (select 1 from jobs j where j.artifact_id = x.artifact_id and j.state in ('queued', 'running'))
  and x.rev <> coalesce((select m.rev from revisions m join artifacts ma on ma.id = m.artifact_id and ma.state = 'published' and ma.blob_missing is null
                          where m.org = x.org and m.model = x.model order by m.created_at desc, m.artifact_id desc limit 1), '')`;

/** Revisions the policy drops now, oldest first within a model, at most `limit`. */
export async function retentionPlan(sql: Pick<Sql, 'query'>, keep: number, limit: number): Promise<RetentionDrop[]> {
  if (keep <= 0 || limit <= 0) return [];
  const rows = await sql.query<{ org: string; model: string; rev: string; artifact_id: string }>(
    `with ranked as (
       select r.*, row_number() over (partition by r.org, r.model order by r.created_at desc, r.artifact_id desc) as n
         from revisions r
        where (r.org, r.model) in (select org, model from revisions group by org, model having count(*) > $1)
     )
     select x.org, x.model, x.rev, x.artifact_id from ranked x join artifacts a on a.id = x.artifact_id
      where x.n > $1 and ${DROPPABLE}
      order by x.org, x.model, x.n desc
      limit $2`,
    [keep, limit],
  );
  return rows.map((r) => ({ org: r.org, model: r.model, rev: r.rev, artifact: Number(r.artifact_id) }));
}

/**
 * Drops one planned revision if the rule still allows it (checked again under a lock on its artifact and
 * its model's revisions). Returns whether it did.
 */
export async function dropRevision(sql: Sql, d: RetentionDrop, keep: number): Promise<boolean> {
  return sql.transaction(async (tx) => {
    await tx.query('select id from artifacts where id = $1 for update', [d.artifact]);
    // One dropper per model at a time (two processes collecting at once count the same N newest).
    await tx.query('select pg_advisory_xact_lock(727004, hashtext($1))', [`${d.org}/${d.model}`]);
    const due = await tx.query<{ files: { sha256: string }[]; sha256: string }>(
      `with ranked as (
         select r.*, row_number() over (order by r.created_at desc, r.artifact_id desc) as n from revisions r where r.org = $2 and r.model = $3
       )
       select x.files, a.sha256 from ranked x join artifacts a on a.id = x.artifact_id
        where x.rev = $4 and x.artifact_id = $5 and x.n > $1 and ${DROPPABLE}`,
      [keep, d.org, d.model, d.rev, d.artifact],
    );
    const row = due[0];
    if (row === undefined) return false; // protected meanwhile (a newer revision withdrawn, a pin, a job) or dropped by another run
    await tx.query('delete from revisions where org = $1 and model = $2 and rev = $3', [d.org, d.model, d.rev]);
    const retired = { rev: d.rev, keep, at: new Date().toISOString() };
    await tx.query('update artifacts set retired = $2 where id = $1', [d.artifact, JSON.stringify(retired)]);
    await addStep(tx, d.artifact, 'retired', 'done', { rev: d.rev, keep });
    await audit(tx, 'gc', 'revision.retire', `${d.org}/${d.model}@${d.rev}`, { artifact: d.artifact, keep });
    // Marked now: the collection deletes each after the grace period if nothing else refers to it (store/gc.ts).
    const digests = [...new Set([row.sha256, ...row.files.map((f) => f.sha256)])];
    await tx.query('insert into blob_gc (sha256) select unnest($1::text[]) on conflict do nothing', [digests]);
    return true;
  });
}

/** Pins (or unpins) a revision: the retention policy never drops a pinned one. False when there is no such revision. */
export async function pinRevision(sql: Sql, org: string, model: string, rev: string, by: string | null): Promise<boolean> {
  const pin = by === null ? null : JSON.stringify({ by, at: new Date().toISOString() });
  const rows = await sql.query('update revisions set pinned = $4 where org = $1 and model = $2 and rev = $3 returning rev', [org, model, rev, pin]);
  return rows.length > 0;
}
