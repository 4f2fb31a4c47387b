/**
 * The job queue on Redis with BullMQ, for workers in separate processes (or
 * machines). The `jobs` table stays the record: every process sweeps it and
 * hands each queued or running job to BullMQ under the id `j<row id>`
 * (adding an id BullMQ already holds does nothing), so a job committed just
 * before a crash, or lost with a Redis restart, is handed over again.
 *
 * A worker holds a lock on its job and renews it while it works; a worker
 * that dies (SIGKILL) stops renewing, BullMQ's stalled-job check moves the
 * job back to waiting and another worker runs it. After MAX_ATTEMPTS runs
 * (stalls, or the database failing under the work) BullMQ fails the job and
 * the sweep gives it up: the artifact stays quarantined with the reason.
 */
import { randomBytes } from 'node:crypto';
import { Queue, Worker, type ConnectionOptions, type Job as BullJob } from 'bullmq';
import { RegistryError } from '../errors.js';
import type { JobQueue } from './job-queue.js';
import { getJob, giveUp, MAX_ATTEMPTS, requeueCancelled, runJob, settledWithin, type Job } from './jobs.js';
import { JobLease, LeaseLost } from './lease.js';
import type { PipelineDeps } from './run.js';

export const QUEUE_NAME = 'pipeline';
const CANCELLED = 'cancelled: the worker shut down before the job finished';
export const DEFAULT_PREFIX = 'modelguard';
/** How long a worker's lock on a job lasts without renewal (renewed every half of it while the worker lives). */
export const REDIS_LEASE_SECONDS = 60;
/** How often the jobs table is swept for jobs to hand over (new jobs are handed over at once on a nudge). */
export const SWEEP_MS = 1000;
/** Jobs handed over per sweep (CWE-400: a backlog is handed over in bounded steps). */
export const SWEEP_BATCH = 1000;
/** How long to wait for Redis at start before refusing to run. */
export const CONNECT_TIMEOUT_MS = 10_000;

export interface BullOptions {
  url: string;
  prefix: string | undefined;
  workers: number;
  leaseSeconds: number | undefined;
}

/** `redis://[user:password@]host[:port][/db]` or `rediss://…` (TLS) as ioredis options. */
export function redisConnection(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RegistryError('E_CONFIG', 'the Redis URL must look like redis://host:port[/db]');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new RegistryError('E_CONFIG', 'the Redis URL must start with redis:// or rediss://');
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isSafeInteger(db) || db < 0) throw new RegistryError('E_CONFIG', 'the Redis database in the URL must be a number');
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port === '' ? 6379 : Number(u.port),
    db,
    maxRetriesPerRequest: null, // BullMQ's workers block on Redis: commands wait for a reconnect instead of failing
    ...(u.username === '' ? {} : { username: decodeURIComponent(u.username) }),
    ...(u.password === '' ? {} : { password: decodeURIComponent(u.password) }),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

interface Payload {
  job: number;
}

export class BullQueue implements JobQueue {
  readonly kind = 'redis' as const;
  readonly #deps: PipelineDeps;
  readonly #o: BullOptions;
  readonly #connection: ConnectionOptions;
  readonly #name = `w-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly #queue: Queue<Payload>;
  #worker: Worker<Payload> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  /** Runs in this process (cancelled when a stop outlasts its timeout). */
  readonly #running = new Map<number, { job: Job; lease: JobLease; cancel: () => void }>();

  constructor(deps: PipelineDeps, o: BullOptions) {
    this.#deps = deps;
    this.#o = o;
    this.#connection = redisConnection(o.url);
    this.#queue = new Queue<Payload>(QUEUE_NAME, { connection: this.#connection, prefix: this.#prefix });
    this.#queue.on('error', () => undefined); // a lost connection is retried; the sweep catches up afterwards
  }

  get #prefix(): string {
    return this.#o.prefix ?? DEFAULT_PREFIX;
  }

  async start(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.#queue.waitUntilReady(),
        new Promise((_, reject) => {
          timer = setTimeout(() => {
            reject(new Error(`no answer in ${CONNECT_TIMEOUT_MS / 1000} s`));
          }, CONNECT_TIMEOUT_MS);
        }),
      ]);
    } catch (e) {
      await this.#queue.close().catch(() => undefined);
      throw new RegistryError('E_CONFIG', `cannot connect to Redis: ${(e as Error).message}`, { cause: e });
    } finally {
      clearTimeout(timer);
    }
    if (this.#o.workers > 0) {
      const lease = (this.#o.leaseSeconds ?? REDIS_LEASE_SECONDS) * 1000;
      this.#worker = new Worker<Payload>(QUEUE_NAME, async (j) => this.#process(j), {
        connection: this.#connection,
        prefix: this.#prefix,
        concurrency: this.#o.workers,
        lockDuration: lease,
        stalledInterval: lease,
        // A job whose worker died is run again until it has run MAX_ATTEMPTS times, then failed.
        maxStalledCount: MAX_ATTEMPTS - 1,
      });
      this.#worker.on('error', () => undefined);
    }
    await this.#sweep();
    this.#timer = setInterval(() => {
      this.nudge();
    }, SWEEP_MS);
  }

  nudge(): void {
    if (this.#stopped) return;
    if (this.#sweeping !== undefined) {
      this.#again = true;
      return;
    }
    this.#sweeping = this.#sweep()
      .catch(() => undefined) // Redis or the database is away: the next sweep catches up
      .finally(() => {
        this.#sweeping = undefined;
        if (this.#again) {
          this.#again = false;
          this.nudge();
        }
      });
  }

  async stop(timeoutMs: number): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#sweeping;
    const closing = this.#worker?.close();
    if (closing !== undefined && !(await settledWithin([closing], timeoutMs))) {
      // Still running at the end of the shutdown timeout: each run is cancelled (its processor then fails the BullMQ job,
      // which BullMQ retries after its backoff, counted among its attempts) and its row queued again (job-queue.ts).
      for (const r of this.#running.values()) {
        r.cancel();
        await r.lease.cancel();
        await requeueCancelled(this.#deps.sql, r.job, r.lease.worker).catch(() => undefined);
      }
      await closing;
    }
    await this.#queue.close();
  }

  /** Hands queued and running jobs to BullMQ; gives up the ones BullMQ failed. */
  async #sweep(): Promise<void> {
    const { sql } = this.#deps;
    const rows = await sql.query<{ id: string; artifact_id: string; kind: string }>(
      `select id, artifact_id, kind from jobs where state in ('queued', 'running') order by id limit $1`,
      [SWEEP_BATCH],
    );
    for (const r of rows) {
      if (this.#stopped) return;
      const job: Job = { id: Number(r.id), artifactId: Number(r.artifact_id), kind: r.kind === 'rescan' ? 'rescan' : 'pipeline' };
      const id = `j${job.id}`;
      const state = await this.#queue.getJobState(id);
      if (state === 'unknown') {
        await this.#queue.add(
          job.kind,
          { job: job.id },
          {
            jobId: id,
            attempts: MAX_ATTEMPTS,
            backoff: { type: 'fixed', delay: 1000 },
            removeOnComplete: { age: 24 * 3600 },
            removeOnFail: { age: 7 * 24 * 3600 },
          },
        );
      } else if (state === 'failed') {
        const failed = await this.#queue.getJob(id);
        await giveUp(sql, job, failed?.failedReason ?? 'failed');
      }
    }
  }

  async #process(j: BullJob<Payload>): Promise<void> {
    const { sql } = this.#deps;
    const job = await getJob(sql, j.data.job);
    if (job === undefined || job.state === 'done' || job.state === 'failed') return; // finished by an earlier run
    // A name per run: a run BullMQ took for stalled (and handed to another worker) then writes nothing more (lease.ts).
    const worker = `${this.#name}/${j.id ?? ''}/${randomBytes(4).toString('hex')}`;
    await sql.query(`update jobs set state = 'running', attempts = attempts + 1, worker = $2, locked_at = now() where id = $1`, [job.id, worker]);
    const lease = new JobLease(sql, job.id, worker, this.#o.leaseSeconds ?? REDIS_LEASE_SECONDS);
    const run$ = { cancelled: false, wake: (): void => undefined };
    const stopped = new Promise<'cancelled'>((resolve) => {
      run$.wake = () => {
        resolve('cancelled');
      };
    });
    const cancel = (): void => {
      run$.cancelled = true;
      run$.wake();
    };
    this.#running.set(job.id, { job, lease, cancel });
    const run = runJob(this.#deps, job, lease).then(() => 'done' as const);
    run.catch(() => undefined); // a cancelled run is not waited for: whatever it ends with is dropped
    try {
      // A run cancelled at shutdown is not waited for (it writes nothing more); BullMQ runs the job again.
      if ((await Promise.race([run, stopped])) === 'cancelled') throw new Error(CANCELLED);
    } catch (e) {
      if (!(e instanceof LeaseLost)) throw e;
      if (run$.cancelled) throw new Error(CANCELLED);
      // BullMQ handed the job to another worker, which finishes it
    } finally {
      this.#running.delete(job.id);
      await lease.stop();
    }
  }
}
