/**
 * A worker's hold on a running job: the `jobs` row names the worker (one
 * name per run) and `locked_at` says when it last showed it was alive. While
 * the job runs, a heartbeat renews `locked_at` every third of the lease, so a
 * scan longer than the lease is not taken for a dead one and run twice.
 *
 * A worker can still lose its job: its process stalled (or the database was
 * away) for longer than the lease, and another worker claimed the job. The
 * heartbeat notices (the row names another worker) and aborts `signal`; the
 * pipeline stops at its next step. Notice can come late, so every write of
 * the pipeline goes through `write` (run.ts), which checks in the same
 * transaction, with the row locked, that this worker still holds the job: a
 * worker that lost its lease writes nothing more, and the run that claimed
 * the job records the outcome.
 */
import type { Sql } from '../db/sql.js';

/** Heartbeats per lease: a renewal can be late twice before the lease runs out. */
export const HEARTBEATS_PER_LEASE = 3;

/** This worker no longer holds its job (another claimed it): the run stops and records nothing. */
export class LeaseLost extends Error {
  constructor(jobId: number) {
    super(`job ${String(jobId)} was claimed by another worker`);
  }
}

export interface Lease {
  readonly jobId: number;
  /** Aborted when the heartbeat finds the job claimed by another worker. */
  readonly signal: AbortSignal;
  /** Throws LeaseLost once the heartbeat found the job taken. */
  check(): void;
  /** In a transaction: locks the job's row and answers whether this worker still holds it. */
  held(tx: Pick<Sql, 'query'>): Promise<boolean>;
}

export class JobLease implements Lease {
  readonly jobId: number;
  readonly worker: string;
  readonly #sql: Sql;
  readonly #abort = new AbortController();
  readonly #timer: NodeJS.Timeout;
  #beating: Promise<void> | undefined;
  /** Heartbeats that renewed the lease (for tests and diagnostics). */
  renewals = 0;

  /** Starts the heartbeat; `stop` ends it. */
  constructor(sql: Sql, jobId: number, worker: string, leaseSeconds: number) {
    this.#sql = sql;
    this.jobId = jobId;
    this.worker = worker;
    this.#timer = setInterval(
      () => {
        this.#beating ??= this.#beat().finally(() => {
          this.#beating = undefined;
        });
      },
      Math.max(1, Math.floor((leaseSeconds * 1000) / HEARTBEATS_PER_LEASE)),
    );
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  check(): void {
    if (this.#abort.signal.aborted) throw new LeaseLost(this.jobId);
  }

  async held(tx: Pick<Sql, 'query'>): Promise<boolean> {
    const rows = await tx.query(`select id from jobs where id = $1 and worker = $2 and state = 'running' for update`, [this.jobId, this.worker]);
    if (rows.length === 0) this.#abort.abort(new LeaseLost(this.jobId));
    return rows.length > 0;
  }

  async #beat(): Promise<void> {
    if (this.#abort.signal.aborted) return;
    let rows;
    try {
      rows = await this.#sql.query(`update jobs set locked_at = now() where id = $1 and worker = $2 and state = 'running' returning id`, [
        this.jobId,
        this.worker,
      ]);
    } catch {
      return; // the database is away: try again at the next beat (the final writes check the lease themselves)
    }
    if (rows.length === 0) this.#abort.abort(new LeaseLost(this.jobId));
    else this.renewals++;
  }

  /**
   * Revokes the run's hold at shutdown (job-queue.ts `stop`): the heartbeat ends and `signal` is aborted, so the
   * run writes nothing more (`write` throws LeaseLost before it touches the database) and stops at its next step.
   */
  async cancel(): Promise<void> {
    this.#abort.abort(new LeaseLost(this.jobId));
    await this.stop();
  }

  /** Ends the heartbeat; waits for a renewal in flight, so nothing touches the database after the job ended. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#beating;
  }
}

/**
 * Runs `fn` in one transaction if this worker still holds its job (LeaseLost
 * otherwise, and nothing is written). Without a lease (a caller outside a
 * queue) it is a plain transaction.
 */
export async function write<T>(sql: Pick<Sql, 'transaction'>, lease: Lease | undefined, fn: (tx: Pick<Sql, 'query'>) => Promise<T>): Promise<T> {
  lease?.check();
  return sql.transaction(async (tx) => {
    if (lease !== undefined && !(await lease.held(tx))) throw new LeaseLost(lease.jobId);
    return fn(tx);
  });
}
