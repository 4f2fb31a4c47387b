/**
 * What a worker does with a job, whichever queue handed it over. A job is a
 * row of the `jobs` table, written in the same transaction as what it is
 * for (an upload, an override, a rescan request): the table is the record
 * that a job exists, so no queue can lose one (the Redis queue is fed from
 * it and reconciled against it). Kinds: `pipeline` (an artifact through
 * scan → convert → rescan → sign → publish) and `rescan` (an artifact scanned
 * again under a new engine or policy).
 */
import type { Sql } from '../db/sql.js';
import { audit } from '../store/audit.js';
import { addStep, getArtifact, setState } from '../store/artifacts.js';
import { write, type Lease } from './lease.js';
import { failRescan, runRescan } from './rescan.js';
import { runPipeline, type PipelineDeps } from './run.js';

/** Runs of one job before it is given up (a worker killed mid-job counts as a run). */
export const MAX_ATTEMPTS = 3;

export type JobKind = 'pipeline' | 'rescan';

export interface Job {
  id: number;
  artifactId: number;
  kind: JobKind;
}

export async function getJob(sql: Pick<Sql, 'query'>, id: number): Promise<(Job & { state: string; attempts: number }) | undefined> {
  const rows = await sql.query<{ id: string; artifact_id: string; kind: string; state: string; attempts: number }>(
    'select id, artifact_id, kind, state, attempts from jobs where id = $1',
    [id],
  );
  const r = rows[0];
  return r === undefined
    ? undefined
    : { id: Number(r.id), artifactId: Number(r.artifact_id), kind: r.kind === 'rescan' ? 'rescan' : 'pipeline', state: r.state, attempts: r.attempts };
}

/**
 * Runs the job to its end and marks it done. Failures of the work itself are
 * recorded by the work (the artifact stays quarantined with the reason);
 * this throws only when the database fails under it, and the queue retries.
 * Under a lease it throws LeaseLost when another worker claimed the job:
 * this run then wrote nothing, and the other one finishes the job.
 */
export async function runJob(deps: PipelineDeps, job: Job, lease?: Lease): Promise<void> {
  switch (job.kind) {
    case 'pipeline':
      await runPipeline(deps, job.artifactId, lease);
      break;
    case 'rescan':
      await runRescan(deps, job.id, job.artifactId, lease);
      break;
  }
  await write(deps.sql, lease, async (tx) => tx.query(`update jobs set state = 'done', error = null where id = $1`, [job.id]));
}

/**
 * A job that did not finish in MAX_ATTEMPTS runs: it fails, and its artifact
 * stays (or becomes) quarantined with the reason. Idempotent: only the
 * caller that moves the job to `failed` records anything.
 */
export async function giveUp(sql: Sql, job: Job, why: string): Promise<void> {
  await sql.transaction(async (tx) => {
    const rows = await tx.query(`update jobs set state = 'failed', error = $2 where id = $1 and state in ('queued', 'running') returning id`, [job.id, why]);
    if (rows.length === 0) return;
    const a = await getArtifact(tx, job.artifactId);
    const reason =
      job.kind === 'pipeline'
        ? `the pipeline did not finish in ${MAX_ATTEMPTS} attempts (${why})`
        : `the rescan did not finish in ${MAX_ATTEMPTS} attempts (${why})`;
    if (job.kind === 'rescan') await failRescan(tx, job.id, reason);
    // Nothing half-done is served: a published artifact whose rescan cannot finish is withdrawn too.
    if (a.state === 'queued' || a.state === 'processing' || a.state === 'published') {
      await addStep(tx, job.artifactId, 'error', 'failed', { error: reason });
      await setState(tx, job.artifactId, 'quarantined', { reason });
      await audit(tx, 'pipeline', 'quarantine', `${a.org}/${a.model}#${a.id}`, { reason: 'attempts', job: job.id, kind: job.kind });
    }
  });
}

/**
 * A run cancelled at shutdown (job-queue.ts `stop`): the job is queued again, the run not counted as an
 * attempt (it was stopped, it did not fail), and a pipeline's artifact goes back to `queued` with a step
 * saying why. Nothing when the job finished, or another worker holds it, meanwhile.
 */
export async function requeueCancelled(sql: Sql, job: Job, worker: string): Promise<boolean> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query(
      `update jobs set state = 'queued', worker = null, locked_at = null, attempts = greatest(attempts - 1, 0)
        where id = $1 and worker = $2 and state = 'running' returning id`,
      [job.id, worker],
    );
    if (rows.length === 0) return false;
    if (job.kind === 'pipeline') await tx.query(`update artifacts set state = 'queued' where id = $1 and state = 'processing'`, [job.artifactId]);
    await addStep(tx, job.artifactId, 'cancelled', 'queued', { job: job.id, kind: job.kind, why: 'the worker shut down before the job finished' });
    return true;
  });
}

/** Waits for every promise to settle, at most `ms`; true if they all did. */
export async function settledWithin(all: readonly Promise<unknown>[], ms: number): Promise<boolean> {
  if (all.length === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => {
      resolve(false);
    }, ms);
  });
  try {
    return await Promise.race([Promise.allSettled(all).then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
