/**
 * Garbage collection: parts of abandoned uploads, and blobs nothing refers to.
 *
 * - An upload not completed and not written for `uploadMaxAgeSeconds` is
 *   abandoned: its row goes (its part rows with it, in one transaction that
 *   re-checks the age, so a PATCH committing meanwhile keeps it; a PATCH
 *   committing after finds no row and answers 409), then its parts.
 * - A blob is referenced by an artifact (the uploaded file, whatever the
 *   artifact's state: quarantined evidence is kept) or by a file of a
 *   revision. A blob found unreferenced is first *marked* (`blob_gc`, with
 *   the time); a later run deletes it only if it is still marked, the mark
 *   is older than `graceSeconds`, and nothing references it, checked in the
 *   transaction that deletes it, under a lock on its digest. Whoever stores a
 *   blob (an upload, the pipeline) first removes its mark under the same lock
 *   (`claimBlob`) and refers to it within the grace period, so a blob being
 *   stored again is never deleted under it.
 *
 * Each run is bounded (`maxDeletes`, `maxScan`; a cursor in `meta` continues
 * the walk of the store) and idempotent: a failure leaves the mark for the
 * next run.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { GcConfig } from '../config.js';
import type { Sql } from '../db/sql.js';
import type { BlobStore } from './blobs.js';

/** Advisory lock class for one digest (the second key is the digest's hashtext). */
const BLOB_LOCK = 727003;
const CURSOR = 'gc.cursor';

export interface GcResult {
  uploads: number;
  parts: number;
  spoolFiles: number;
  scanned: number;
  marked: number;
  blobs: number;
  /** Deletions that failed (the blob store away): left for the next run. */
  failed: number;
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

const REFERENCED = `(exists (select 1 from artifacts a where a.sha256 = $1)
  or exists (select 1 from revisions r, jsonb_array_elements(r.files) f where f->>'sha256' = $1))`;

/** The digests among `digests` that something refers to. */
async function referenced(sql: Pick<Sql, 'query'>, digests: readonly string[]): Promise<Set<string>> {
  if (digests.length === 0) return new Set();
  const rows = await sql.query<{ d: string }>(
    `select sha256 as d from artifacts where sha256 = any($1::text[])
     union select f->>'sha256' as d from revisions r, jsonb_array_elements(r.files) f where f->>'sha256' = any($1::text[])`,
    [digests],
  );
  return new Set(rows.map((r) => r.d));
}

export async function collectGarbage(d: GcDeps, cfg: GcConfig): Promise<GcResult> {
  const out: GcResult = { uploads: 0, parts: 0, spoolFiles: 0, scanned: 0, marked: 0, blobs: 0, failed: 0 };
  let budget = cfg.maxDeletes;
  budget = await abandonedUploads(d, cfg, budget, out);
  if (d.spoolDir !== undefined) out.spoolFiles = staleSpool(d.spoolDir, cfg.uploadMaxAgeSeconds);
  await markUnreferenced(d, cfg, out);
  await deleteMarked(d, cfg, budget, out);
  return out;
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
