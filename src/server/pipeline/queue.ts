/**
 * The job queue in the database: a worker claims the oldest queued job
 * with `FOR UPDATE SKIP LOCKED`, so any number of workers (threads of one
 * process on the embedded database, or separate processes on PostgreSQL)
 * never take the same job. A claimed job holds a lease; a worker that dies
 * mid-scan leaves a lease that expires and the job is claimed again
 * (MAX_ATTEMPTS times, then the artifact stays quarantined). A worker that
 * lives renews its lease while the job runs (lease.ts), so a long scan is not
 * run twice; a worker that lost its lease anyway (stalled longer than the
 * lease) abandons its run and writes nothing. A job is never lost and
 * nothing is published unless the pipeline ran to its end.
 */
import { randomBytes } from 'node:crypto';
import type { Sql } from '../db/sql.js';
import type { JobQueue } from './job-queue.js';
import { giveUp, MAX_ATTEMPTS, requeueCancelled, runJob, settledWithin, type Job } from './jobs.js';
import { JobLease, LeaseLost } from './lease.js';
import type { PipelineDeps } from './run.js';

export { MAX_ATTEMPTS };
/** A running job whose worker has not renewed its lease within this is taken to be dead (CWE-400: a stuck job must not block its artifact forever). */
export const LEASE_SECONDS = 15 * 60;
export const POLL_MS = 1000;

export interface Claimed extends Job {
  attempts: number;
  /** The name this run holds the job under (`jobs.worker`). */
  worker: string;
}

/** Claims the oldest queued job, or a running one whose lease ran out, under a name of its own for this run (`worker` and a random suffix). */
export async function claim(sql: Pick<Sql, 'query'>, worker: string, leaseSeconds = LEASE_SECONDS): Promise<Claimed | undefined> {
  const name = `${worker}/${randomBytes(4).toString('hex')}`;
  const rows = await sql.query<{ id: string; artifact_id: string; attempts: number; kind: string }>(
    `update jobs set state = 'running', attempts = attempts + 1, worker = $1, locked_at = now()
       where id = (select id from jobs where state = 'queued' or (state = 'running' and locked_at < now() - make_interval(secs => $2))
                   order by id limit 1 for update skip locked)
       returning id, artifact_id, attempts, kind`,
    [name, leaseSeconds],
  );
  const r = rows[0];
  return r === undefined
    ? undefined
    : { id: Number(r.id), artifactId: Number(r.artifact_id), attempts: r.attempts, kind: r.kind === 'rescan' ? 'rescan' : 'pipeline', worker: name };
}

export class DatabaseQueue implements JobQueue {
  readonly kind = 'database' as const;
  readonly #deps: PipelineDeps;
  readonly #name = `w-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly #count: number;
  readonly #leaseSeconds: number;
  #stopped = false;
  #wake: (() => void)[] = [];
  readonly #loops: Promise<void>[] = [];
  /** Jobs running in this process, with their leases (cancelled when a stop outlasts its timeout). */
  readonly #running = new Map<number, { job: Claimed; lease: JobLease }>();

  constructor(deps: PipelineDeps, count: number, leaseSeconds = LEASE_SECONDS) {
    this.#deps = deps;
    this.#count = count;
    this.#leaseSeconds = leaseSeconds;
  }

  start(): Promise<void> {
    for (let i = 0; i < this.#count; i++) this.#loops.push(this.#loop(`${this.#name}-${i}`));
    return Promise.resolve();
  }

  /** New work was queued: wake idle workers now instead of at the next poll. */
  nudge(): void {
    for (const w of this.#wake.splice(0)) w();
  }

  async stop(timeoutMs: number): Promise<void> {
    this.#stopped = true;
    this.nudge();
    if (await settledWithin(this.#loops, timeoutMs)) return;
    // Still running at the end of the shutdown timeout: cancelled and queued again (job-queue.ts).
    for (const { job, lease } of this.#running.values()) {
      await lease.cancel();
      await requeueCancelled(this.#deps.sql, job, job.worker).catch(() => undefined); // the database away: claimed again once the lease runs out
    }
  }

  /** Read through a call: `stop()` sets it while a loop awaits. */
  #isStopped(): boolean {
    return this.#stopped;
  }

  async #loop(name: string): Promise<void> {
    while (!this.#stopped) {
      let job: Claimed | undefined;
      try {
        job = await claim(this.#deps.sql, name, this.#leaseSeconds);
      } catch {
        job = undefined; // the database is away: retry at the next poll
      }
      if (job !== undefined && this.#isStopped()) {
        // Claimed while the queue was stopping: handed back at once, for the next start.
        await requeueCancelled(this.#deps.sql, job, job.worker).catch(() => undefined);
        return;
      }
      if (job === undefined) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, POLL_MS);
          this.#wake.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
        continue;
      }
      await this.#run(job);
    }
  }

  async #run(job: Claimed): Promise<void> {
    const { sql } = this.#deps;
    if (job.attempts > MAX_ATTEMPTS) {
      await giveUp(sql, job, 'its workers stopped or failed').catch(() => undefined); // the database is away: claimed again once the lease runs out
      return;
    }
    const lease = new JobLease(sql, job.id, job.worker, this.#leaseSeconds);
    this.#running.set(job.id, { job, lease });
    try {
      await runJob(this.#deps, job, lease);
    } catch (e) {
      if (e instanceof LeaseLost) return; // another worker claimed it and finishes it
      // The work records its own failures; this is the database (or a rescan's blob) failing under it. Run it again, up to MAX_ATTEMPTS.
      await sql
        .query(`update jobs set state = 'queued', error = $3 where id = $1 and worker = $2 and state = 'running'`, [job.id, job.worker, (e as Error).message])
        .catch(() => undefined);
    } finally {
      this.#running.delete(job.id);
      await lease.stop();
    }
  }
}
