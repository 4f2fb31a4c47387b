/**
 * The job queue in the database: a worker claims the oldest queued job
 * with `FOR UPDATE SKIP LOCKED`, so any number of workers (threads of one
 * process on the embedded database, or separate processes on PostgreSQL)
 * never take the same job. A claimed job holds a lease; a worker that dies
 * mid-scan leaves a lease that expires and the job is claimed again
 * (MAX_ATTEMPTS times, then the artifact stays quarantined). A job is never
 * lost and nothing is published unless the pipeline ran to its end.
 */
import { randomBytes } from 'node:crypto';
import type { Sql } from '../db/sql.js';
import type { JobQueue } from './job-queue.js';
import { giveUp, MAX_ATTEMPTS, runJob, type Job } from './jobs.js';
import type { PipelineDeps } from './run.js';

export { MAX_ATTEMPTS };
/** A running job whose worker has not finished within this is taken to be dead (CWE-400: a stuck job must not block its artifact forever). */
export const LEASE_SECONDS = 15 * 60;
export const POLL_MS = 1000;

interface Claimed extends Job {
  attempts: number;
}

export async function claim(sql: Sql, worker: string, leaseSeconds = LEASE_SECONDS): Promise<Claimed | undefined> {
  const rows = await sql.query<{ id: string; artifact_id: string; attempts: number; kind: string }>(
    `update jobs set state = 'running', attempts = attempts + 1, worker = $1, locked_at = now()
       where id = (select id from jobs where state = 'queued' or (state = 'running' and locked_at < now() - make_interval(secs => $2))
                   order by id limit 1 for update skip locked)
       returning id, artifact_id, attempts, kind`,
    [worker, leaseSeconds],
  );
  const r = rows[0];
  return r === undefined
    ? undefined
    : { id: Number(r.id), artifactId: Number(r.artifact_id), attempts: r.attempts, kind: r.kind === 'rescan' ? 'rescan' : 'pipeline' };
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

  async stop(): Promise<void> {
    this.#stopped = true;
    this.nudge();
    await Promise.all(this.#loops);
  }

  async #loop(name: string): Promise<void> {
    while (!this.#stopped) {
      let job: Claimed | undefined;
      try {
        job = await claim(this.#deps.sql, name, this.#leaseSeconds);
      } catch {
        job = undefined; // the database is away: retry at the next poll
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
    try {
      if (job.attempts > MAX_ATTEMPTS) {
        await giveUp(sql, job, 'its workers stopped or failed');
        return;
      }
      await runJob(this.#deps, job);
    } catch (e) {
      // The work records its own failures; this is the database failing under it. Retry later.
      await sql.query(`update jobs set state = 'queued', error = $2 where id = $1`, [job.id, (e as Error).message]).catch(() => undefined);
    }
  }
}
