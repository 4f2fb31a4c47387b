/**
 * Re-scan on an engine or policy change. Every scanned artifact records the
 * engine (modelguard's version) and the policy fingerprint its verdict was
 * reached with. `queueRescans` (on start, and `POST /api/admin/rescan`)
 * queues a `rescan` job for every published, held or quarantined artifact
 * whose record differs from what this process runs. The job scans the
 * uploaded file again (and, for a published artifact, the files it serves),
 * stores the verdict diff per file (old → new, findings added and gone),
 * writes it to the audit log, and applies the rule of rescan-rule.ts: a
 * published artifact whose new verdict no longer passes is withdrawn
 * (quarantined, or held for a reviewer), a held or quarantined one whose
 * verdict improved runs through the pipeline again, and a reviewer's
 * release stands for exactly the findings it was given.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { scanPaths } from '../../scan/directory.js';
import type { Sql } from '../db/sql.js';
import { RegistryError } from '../errors.js';
import { markMissing, missingOf } from '../store/missing.js';
import { audit } from '../store/audit.js';
import { addStep, findRevision, getArtifact, setState, type Artifact } from '../store/artifacts.js';
import { explain, headline, type ExplainedFile } from './explain.js';
import { ENGINE, policyFingerprint } from './fingerprint.js';
import { LeaseLost, write, type Lease } from './lease.js';
import { reportRules, rescanAction, type RescanAction } from './rescan-rule.js';
import { ATTESTATION_FILE, SIGNATURE_FILE, type PipelineDeps } from './run.js';

export type { RescanAction };

/** One file's verdict before and after (null: not in that scan). */
export interface FileDiff {
  path: string;
  old: string | null;
  new: string | null;
  /** Rules found now and not before, and gone since. */
  added: string[];
  removed: string[];
}

export interface Rescan {
  id: number;
  artifactId: number;
  jobId: number | null;
  state: 'queued' | 'done' | 'failed';
  createdAt: string;
  finishedAt: string | null;
  old: { engine: string | null; policy: string | null; verdict: string | null };
  new: { engine: string | null; policy: string | null; verdict: string | null };
  action: RescanAction | null;
  diff: FileDiff[] | { error: string } | null;
}

/** Queues a rescan of every published, held or quarantined artifact scanned with another engine or policy. Returns how many. */
export async function queueRescans(sql: Sql, actor: string): Promise<number> {
  return sql.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(727002)'); // two processes starting at once queue each rescan once
    const rows = await tx.query<{ id: string }>(
      `with stale as (
         select a.id from artifacts a
          where a.state in ('published', 'held', 'quarantined') and a.engine is not null and a.blob_missing is null and a.retired is null
            and (a.engine <> $1 or a.policy is distinct from $2)
            and not exists (select 1 from jobs j where j.artifact_id = a.id and j.kind = 'rescan' and j.state in ('queued', 'running'))
       ), queued as (
         insert into jobs (artifact_id, kind) select id, 'rescan' from stale returning id, artifact_id
       )
       insert into rescans (artifact_id, job_id, old_engine, old_policy, old_verdict)
         select q.artifact_id, q.id, a.engine, a.policy, a.verdict from queued q join artifacts a on a.id = q.artifact_id
       returning id`,
      [ENGINE, policyFingerprint()],
    );
    if (rows.length > 0) await audit(tx, actor, 'rescan.queue', 'registry', { engine: ENGINE, policy: policyFingerprint(), artifacts: rows.length });
    return rows.length;
  });
}

function rules(f: ExplainedFile | undefined): Set<string> {
  return new Set((f?.findings ?? []).map((x) => x.rule));
}

export function verdictDiff(before: readonly ExplainedFile[], after: readonly ExplainedFile[]): FileDiff[] {
  const paths = [...new Set([...before.map((f) => f.path), ...after.map((f) => f.path)])].sort();
  return paths.map((path) => {
    const o = before.find((f) => f.path === path);
    const n = after.find((f) => f.path === path);
    const ro = rules(o);
    const rn = rules(n);
    return {
      path,
      old: o?.verdict ?? null,
      new: n?.verdict ?? null,
      added: [...rn].filter((r) => !ro.has(r)).sort(),
      removed: [...ro].filter((r) => !rn.has(r)).sort(),
    };
  });
}

/** The rule ids a reviewer's release covers: recorded with it, or (a release from before they were) those of the report the reviewer saw. */
function releasedRules(a: Artifact): string[] | undefined {
  if (a.override === null) return undefined;
  const recorded = (a.override as { rules?: unknown }).rules;
  if (Array.isArray(recorded)) return recorded.filter((r): r is string => typeof r === 'string');
  return reportRules(Array.isArray(a.report) ? (a.report as ExplainedFile[]) : []);
}

const REASONS: Record<Exclude<RescanAction, 'kept' | 'unchanged'>, string> = {
  quarantined: 'withdrawn after a rescan',
  held: 'held for a reviewer after a rescan',
  requeued: 'queued for the pipeline again after a rescan',
};

export async function runRescan(d: PipelineDeps, jobId: number, artifactId: number, lease?: Lease): Promise<void> {
  const rows = await d.sql.query<{ id: string; state: string }>('select id, state from rescans where job_id = $1', [jobId]);
  const rescanId = Number(rows[0]?.id);
  if (rows[0] === undefined || rows[0].state !== 'queued') return; // done by an earlier run
  const a = await getArtifact(d.sql, artifactId);
  const work = join(d.workDir, `rescan-${a.id}-${randomBytes(6).toString('hex')}`);
  try {
    if (d.testHold !== undefined) await d.testHold(a.id);
    lease?.check();
    // The uploaded file, under its own name, as the pipeline's scan step saw it.
    const dir = join(work, 'in');
    mkdirSync(dir, { recursive: true });
    await d.blobs.copyTo(a.sha256, join(dir, a.filename));
    const report = await scanPaths([a.filename], { cwd: dir });
    const files = explain(report);
    const before = Array.isArray(a.report) ? (a.report as ExplainedFile[]) : [];
    const diff = verdictDiff(before, files);
    let why = `${report.verdict}: ${headline(report)}`;
    let servedClean = true;
    if (a.state === 'published' && a.revision !== null && report.verdict !== 'malicious' && report.verdict !== 'unscannable') {
      // What is served must still scan clean too.
      lease?.check();
      const served = join(work, 'served');
      mkdirSync(served, { recursive: true });
      const rev = await findRevision(d.sql, a.org, a.model, a.revision);
      const names = rev.files.filter((f) => f.name !== SIGNATURE_FILE && f.name !== ATTESTATION_FILE);
      for (const f of names) await d.blobs.copyTo(f.sha256, join(served, f.name));
      const out = await scanPaths(
        names.map((f) => f.name),
        { cwd: served },
      );
      if (out.verdict !== 'clean') {
        servedClean = false;
        why = `the published file scanned ${out.verdict}: ${headline(out)}`;
      }
    }
    await write(d.sql, lease, async (tx) => {
      // Decided on the artifact as it is now (a reviewer may have released it meanwhile).
      await tx.query('select id from artifacts where id = $1 for update', [a.id]);
      const now = await getArtifact(tx, a.id);
      const action =
        now.state === a.state
          ? rescanAction({
              state: now.state,
              oldVerdict: now.verdict,
              newVerdict: report.verdict,
              newRules: reportRules(report.files),
              released: releasedRules(now),
              servedClean,
            })
          : 'unchanged';
      const done = await tx.query(
        `update rescans set state = 'done', finished_at = now(), new_engine = $2, new_policy = $3, new_verdict = $4, action = $5, diff = $6
          where id = $1 and state = 'queued' returning id`,
        [rescanId, ENGINE, policyFingerprint(), report.verdict, action, JSON.stringify(diff)],
      );
      if (done.length === 0) return;
      await tx.query('update artifacts set engine = $2, policy = $3, verdict = $4, report = $5 where id = $1', [
        a.id,
        ENGINE,
        policyFingerprint(),
        report.verdict,
        JSON.stringify(files),
      ]);
      const target = `${a.org}/${a.model}#${a.id}`;
      const changed = diff.filter((f) => f.old !== f.new || f.added.length > 0 || f.removed.length > 0);
      await addStep(tx, a.id, 'engine-rescan', report.verdict, { rescan: rescanId, engine: ENGINE, previousEngine: a.engine, action, diff });
      await audit(tx, 'pipeline', 'rescan', target, {
        rescan: rescanId,
        from: { engine: a.engine, policy: a.policy, verdict: a.verdict, state: now.state },
        to: { engine: ENGINE, policy: policyFingerprint(), verdict: report.verdict },
        action,
        changed,
      });
      if (action === 'kept' || action === 'unchanged') return;
      const reason = action === 'requeued' ? `${REASONS[action]} with ${ENGINE} (now ${report.verdict})` : `${REASONS[action]} with ${ENGINE}: ${why}`;
      switch (action) {
        case 'quarantined':
          await setState(tx, a.id, 'quarantined', { reason }, now.state);
          await audit(tx, 'pipeline', 'quarantine', target, { reason, rescan: rescanId });
          break;
        case 'held':
          // The release (if any) did not cover these findings: a reviewer decides again.
          await setState(tx, a.id, 'held', { reason }, now.state);
          await tx.query('update artifacts set override = null where id = $1', [a.id]);
          await audit(tx, 'pipeline', 'hold', target, { reason, rescan: rescanId, ...(now.override === null ? {} : { releaseWithdrawn: now.override }) });
          break;
        case 'requeued':
          await setState(tx, a.id, 'queued', { reason }, now.state);
          await tx.query('insert into jobs (artifact_id) values ($1)', [a.id]);
          await audit(tx, 'pipeline', 'requeue', target, { reason, rescan: rescanId });
          break;
      }
    });
  } catch (e) {
    if (e instanceof LeaseLost) return; // another worker claimed the job and records the rescan
    // A blob gone from the store is a recorded state (store/missing.ts), not a failure to retry: retrying cannot bring it back.
    if (e instanceof RegistryError && e.code === 'E_NOT_FOUND' && (await recordMissing(d, rescanId, a, lease))) return;
    throw e;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Records the artifact's missing blobs and fails the rescan with that reason; false when every blob is there (the error was something else). */
async function recordMissing(d: PipelineDeps, rescanId: number, a: Artifact, lease: Lease | undefined): Promise<boolean> {
  const files = await d.sql.query<{ files: { sha256: string }[] }>('select files from revisions where artifact_id = $1', [a.id]);
  const digests = [a.sha256, ...files.flatMap((r) => r.files.map((f) => f.sha256))];
  const missing = await missingOf(d.blobs, digests);
  if (missing.length === 0) return false;
  const reason = `blob missing from the store: ${missing.map((m) => `${m.slice(0, 12)}…`).join(', ')} (upload the same file again to restore it)`;
  await write(d.sql, lease, async (tx) => {
    const done = await tx.query(`update rescans set state = 'failed', finished_at = now(), diff = $2 where id = $1 and state = 'queued' returning id`, [
      rescanId,
      JSON.stringify({ error: reason }),
    ]);
    if (done.length === 0) return;
    await markMissing(tx, a, { digests: missing, by: 'rescan' });
  });
  return true;
}

/** A rescan job given up (jobs.ts): recorded as failed with the reason. */
export async function failRescan(tx: Pick<Sql, 'query'>, jobId: number, reason: string): Promise<void> {
  await tx.query(`update rescans set state = 'failed', finished_at = now(), diff = $2 where job_id = $1 and state = 'queued'`, [
    jobId,
    JSON.stringify({ error: reason }),
  ]);
}

function toRescan(r: Record<string, unknown>): Rescan {
  const at = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());
  const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    id: Number(r['id']),
    artifactId: Number(r['artifact_id']),
    jobId: r['job_id'] === null ? null : Number(r['job_id']),
    state: r['state'] as Rescan['state'],
    createdAt: at(r['created_at']) ?? '',
    finishedAt: at(r['finished_at']),
    old: { engine: s(r['old_engine']), policy: s(r['old_policy']), verdict: s(r['old_verdict']) },
    new: { engine: s(r['new_engine']), policy: s(r['new_policy']), verdict: s(r['new_verdict']) },
    action: s(r['action']) as RescanAction | null,
    diff: (r['diff'] as Rescan['diff']) ?? null,
  };
}

export async function getRescan(sql: Sql, id: number): Promise<Rescan | undefined> {
  const r = (await sql.query('select * from rescans where id = $1', [id]))[0];
  return r === undefined ? undefined : toRescan(r);
}

/** The newest rescans (of one artifact, or of all), newest first. */
export async function listRescans(sql: Sql, artifactId?: number, limit = 200): Promise<Rescan[]> {
  const rows =
    artifactId === undefined
      ? await sql.query('select * from rescans order by id desc limit $1', [limit])
      : await sql.query('select * from rescans where artifact_id = $1 order by id desc limit $2', [artifactId, limit]);
  return rows.map(toRescan);
}
