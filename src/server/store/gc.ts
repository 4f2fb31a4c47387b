/**
 * Garbage collection: revisions the retention policy drops, parts of
 * abandoned uploads, parts no upload records, and blobs nothing refers to.
 *
 * - Retention (store/retention.ts): with `keepRevisions` set, revisions of a
 *   model beyond its newest N (and not otherwise protected) are dropped and
 *   their blobs marked.
 * - An upload not completed and not written for `uploadMaxAgeSeconds` is
 *   abandoned: its row goes (its part rows with it, in one transaction that
 *   re-checks the age, so a PATCH committing meanwhile keeps it; a PATCH
 *   committing after finds no row and answers 409), then its parts.
 * - A part in the store whose upload is not in progress (its row gone, or
 *   the upload complete: its blob was assembled before it was marked so)
 *   and that was written more than `graceSeconds` ago is deleted: a process
 *   killed between storing a part and recording it left it. A part of an
 *   upload in progress is never touched (a PATCH may be about to record it);
 *   it is collected once its upload completes or is abandoned. Neither
 *   condition can turn back (upload ids are never reused, and a complete
 *   upload records no part), so no lock is needed.
 * - A blob is referenced by an artifact (the uploaded file, whatever the
 *   artifact's state: quarantined evidence is kept; not once the artifact
 *   is retired) or by a file of a revision. A blob found unreferenced is first *marked* (`blob_gc`, with
 *   the time); a later run deletes it only if it is still marked, the mark
 *   is older than `graceSeconds`, and nothing references it, checked in the
 *   transaction that deletes it, under a lock on its digest. Whoever stores a
 *   blob (an upload, the pipeline) first removes its mark under the same lock
 *   (`claimBlob`) and refers to it within the grace period, so a blob being
 *   stored again is never deleted under it.
 *
 * Each run is bounded (`maxDeletes`, `maxScan`; cursors in `meta` continue
 * the walks of the store) and idempotent: a failure leaves the mark for the
 * next run.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { GcConfig } from '../config.js';
import type { Sql } from '../db/sql.js';
import type { BlobStore } from './blobs.js';
import { dropRevision, retentionPlan, type RetentionDrop } from './retention.js';

/** Advisory lock class for one digest (the second key is the digest's hashtext). */
const BLOB_LOCK = 727003;
const CURSOR = 'gc.cursor';
const PARTS_CURSOR = 'gc.parts.cursor';

export interface GcResult {
  /** Revisions dropped by the retention policy. */
  revisions: number;
  uploads: number;
  parts: number;
  /** Parts in the store no upload in progress records (store/gc.ts). */
  orphanParts: number;
  spoolFiles: number;
  scanned: number;
  marked: number;
  blobs: number;
  /** Deletions that failed (the blob store away): left for the next run. */
  failed: number;
  /** The revisions retention would drop (dry runs: `GcOptions.dryRun`, `GcConfig.retentionDryRun`). */
  plan?: RetentionDrop[];
  dryRun?: boolean;
}

export interface GcDeps {
  sql: Sql;
  blobs: BlobStore;
  /** This process's spool folder (`DATA/uploads`): files left by a process that died mid-PATCH. */
  spoolDir?: string;
}

/** Called before a blob is stored: removes a garbage mark on its digest, so collection cannot delete it before it is referenced. */
export async function claimBlob(sql: Sql, sha256: string): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1, hashtext($2))', [BLOB_LOCK, sha256]);
    await tx.query('delete from blob_gc where sha256 = $1', [sha256]);
  });
}

/**
 * Does a live artifact or a revision refer to `$1`? Both sides are index lookups by digest: `artifacts_sha256`
 * and the referencing table `revision_blobs` (db/schema.ts), not an unpacking of every revision's files.
 */
export const REFERENCED = `(exists (select 1 from artifacts a where a.sha256 = $1 and a.retired is null)
  or exists (select 1 from revision_blobs b where b.sha256 = $1))`;

/** The digests among `$1` (a text array) that something refers to. */
export const REFERENCED_AMONG = `select sha256 as d from artifacts where sha256 = any($1::text[]) and retired is null
  union select sha256 as d from revision_blobs where sha256 = any($1::text[])`;

/** The digests among `digests` that something refers to. */
export async function referenced(sql: Pick<Sql, 'query'>, digests: readonly string[]): Promise<Set<string>> {
  if (digests.length === 0) return new Set();
  const rows = await sql.query<{ d: string }>(REFERENCED_AMONG, [digests]);
  return new Set(rows.map((r) => r.d));
}

/** What a run may do beyond its configuration. */
export interface GcOptions {
  /** Change nothing: answer the revisions the retention policy would drop (`plan`). */
  dryRun?: boolean;
  /** The retention to plan with instead of the configured one (a dry run trying another N). */
  keepRevisions?: number;
}

export async function collectGarbage(d: GcDeps, cfg: GcConfig, o: GcOptions = {}): Promise<GcResult> {
  const out: GcResult = { revisions: 0, uploads: 0, parts: 0, orphanParts: 0, spoolFiles: 0, scanned: 0, marked: 0, blobs: 0, failed: 0 };
  const keep = o.keepRevisions ?? cfg.keepRevisions;
  if (o.dryRun === true) {
    out.dryRun = true;
    out.plan = await retentionPlan(d.sql, keep, cfg.maxDeletes);
    return out;
  }
  let budget = cfg.maxDeletes;
  if (cfg.retentionDryRun) out.plan = await retentionPlan(d.sql, keep, budget);
  else budget = await retention(d, keep, budget, out);
  budget = await abandonedUploads(d, cfg, budget, out);
  budget = await orphanParts(d, cfg, budget, out);
  if (d.spoolDir !== undefined) out.spoolFiles = staleSpool(d.spoolDir, cfg.uploadMaxAgeSeconds);
  await markUnreferenced(d, cfg, out);
  await deleteMarked(d, cfg, budget, out);
  return out;
}

async function retention(d: GcDeps, keep: number, budget: number, out: GcResult): Promise<number> {
  for (const drop of await retentionPlan(d.sql, keep, budget)) {
    if (budget <= 0) break;
    if (await dropRevision(d.sql, drop, keep)) {
      out.revisions++;
      budget--;
    }
  }
  return budget;
}

/** Walks up to `maxScan` parts of the store from its cursor; deletes those of no upload in progress written more than the grace period ago. */
async function orphanParts(d: GcDeps, cfg: GcConfig, budget: number, out: GcResult): Promise<number> {
  const cur = (await d.sql.query<{ value: string }>('select value from meta where key = $1', [PARTS_CURSOR]))[0]?.value;
  const parts = await d.blobs.listParts(cur === undefined || cur === '' ? undefined : cur, cfg.maxScan);
  const before = Date.now() - cfg.graceSeconds * 1000;
  const old = parts.filter((p) => p.writtenMs < before);
  const ids = [...new Set(old.map((p) => p.name.slice(0, p.name.indexOf('/'))))];
  const live = new Set(
    ids.length === 0
      ? []
      : (await d.sql.query<{ id: string }>('select id from uploads where id = any($1::text[]) and artifact_id is null', [ids])).map((r) => r.id),
  );
  let last: string | undefined;
  for (const p of parts) {
    if (budget <= 0) break;
    last = p.name;
    if (p.writtenMs >= before || live.has(p.name.slice(0, p.name.indexOf('/')))) continue;
    try {
      await d.sql.query('delete from upload_parts where upload_id = $1 and name = $2', [p.name.slice(0, p.name.indexOf('/')), p.name]); // a complete upload's record of it, if any
      await d.blobs.deletePart(p.name);
      out.orphanParts++;
      budget--;
    } catch {
      out.failed++;
    }
  }
  // The next run continues after the last part looked at, or starts over once the walk reached the end.
  const next = parts.length < cfg.maxScan && last === parts.at(-1)?.name ? '' : (last ?? '');
  await d.sql.query('insert into meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value', [PARTS_CURSOR, next]);
  return budget;
}

async function abandonedUploads(d: GcDeps, cfg: GcConfig, budget: number, out: GcResult): Promise<number> {
  const old = (p: string): string => `artifact_id is null and coalesce(updated_at, created_at) < now() - make_interval(secs => ${p})`;
  const rows = await d.sql.query<{ id: string }>(`select id from uploads where ${old('$1')} order by created_at limit $2`, [
    cfg.uploadMaxAgeSeconds,
    Math.max(0, budget),
  ]);
  for (const { id } of rows) {
    if (budget <= 0) break;
    const parts = await d.sql.transaction(async (tx) => {
      const names = await tx.query<{ name: string }>('select name from upload_parts where upload_id = $1', [id]);
      const gone = await tx.query(`delete from uploads where id = $1 and ${old('$2')} returning id`, [id, cfg.uploadMaxAgeSeconds]);
      return gone.length === 0 ? undefined : names.map((n) => n.name);
    });
    if (parts === undefined) continue; // written meanwhile: not abandoned
    budget--;
    out.uploads++;
    for (const p of parts) {
      try {
        await d.blobs.deletePart(p);
        out.parts++;
      } catch {
        out.failed++; // its row is gone: the part is unreachable, and the store's own lifecycle rules (or an operator) may remove it
      }
    }
  }
  return budget;
}

/** Spool and assembly files (`*.spool`, `*.whole`) older than the upload age: left by a process that died mid-request. */
function staleSpool(dir: string, ageSeconds: number): number {
  let n = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  const before = Date.now() - ageSeconds * 1000;
  for (const name of names) {
    if (!/^[0-9a-f]{32}\.[0-9a-f]{12}\.(spool|whole)$/.test(name)) continue;
    const path = join(dir, name);
    try {
      if (statSync(path).mtimeMs < before) {
        rmSync(path, { force: true });
        n++;
      }
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

/** Walks up to `maxScan` blobs from the cursor: marks those nothing refers to, unmarks those something does. */
async function markUnreferenced(d: GcDeps, cfg: GcConfig, out: GcResult): Promise<void> {
  const cur = (await d.sql.query<{ value: string }>('select value from meta where key = $1', [CURSOR]))[0]?.value;
  const digests = await d.blobs.list(cur === undefined || cur === '' ? undefined : cur, cfg.maxScan);
  out.scanned = digests.length;
  const used = await referenced(d.sql, digests);
  const free = digests.filter((x) => !used.has(x));
  if (free.length > 0) {
    const rows = await d.sql.query('insert into blob_gc (sha256) select unnest($1::text[]) on conflict do nothing returning sha256', [free]);
    out.marked = rows.length;
  }
  if (used.size > 0) await d.sql.query('delete from blob_gc where sha256 = any($1::text[])', [[...used]]);
  // The next run continues after the last blob seen, or starts over once the walk reached the end.
  const next = digests.length < cfg.maxScan ? '' : (digests[digests.length - 1] ?? '');
  await d.sql.query('insert into meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value', [CURSOR, next]);
}

async function deleteMarked(d: GcDeps, cfg: GcConfig, budget: number, out: GcResult): Promise<void> {
  if (budget <= 0) return;
  const due = await d.sql.query<{ sha256: string }>(
    'select sha256 from blob_gc where marked_at < now() - make_interval(secs => $1) order by marked_at limit $2',
    [cfg.graceSeconds, budget],
  );
  for (const { sha256 } of due) {
    try {
      const deleted = await d.sql.transaction(async (tx) => {
        await tx.query('select pg_advisory_xact_lock($1, hashtext($2))', [BLOB_LOCK, sha256]);
        const mark = await tx.query('delete from blob_gc where sha256 = $1 and marked_at < now() - make_interval(secs => $2) returning sha256', [
          sha256,
          cfg.graceSeconds,
        ]);
        if (mark.length === 0) return false; // claimed by a writer meanwhile
        const ref = await tx.query<{ r: boolean }>(`select ${REFERENCED} as r`, [sha256]);
        if (ref[0]?.r === true) return false; // referenced since it was marked: kept, and unmarked
        // Deleted while the lock is held: a writer claiming this digest waits, then finds it absent and stores it anew.
        // A failure rolls the transaction back and keeps the mark for the next run.
        await d.blobs.delete(sha256);
        return true;
      });
      if (deleted) out.blobs++;
    } catch {
      out.failed++;
    }
  }
}

/** Counts for the health endpoint. */
export async function gcStatus(sql: Sql, cfg: GcConfig): Promise<{ marked: number; abandonedUploads: number }> {
  const m = await sql.query<{ n: string }>('select count(*) as n from blob_gc');
  const u = await sql.query<{ n: string }>(
    'select count(*) as n from uploads where artifact_id is null and coalesce(updated_at, created_at) < now() - make_interval(secs => $1)',
    [cfg.uploadMaxAgeSeconds],
  );
  return { marked: Number(m[0]?.n ?? 0), abandonedUploads: Number(u[0]?.n ?? 0) };
}
