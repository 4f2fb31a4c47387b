/**
 * The one interface between the registry and its job queue. Jobs are
 * created as rows of the `jobs` table in the transaction that needs them
 * (jobs.ts); a queue delivers them to workers, at most one worker at a time
 * per job, again after a worker dies, and gives a job up after MAX_ATTEMPTS
 * runs. Two implementations, chosen by configuration:
 *
 * - `database` (queue.ts): workers claim rows with `FOR UPDATE SKIP LOCKED`
 *   under a lease; nothing else to run.
 * - `redis` (bullmq.ts): BullMQ on a Redis server; stalled-job detection
 *   hands a dead worker's job to another.
 *
 * `openQueue` (open-queue.ts) picks one.
 */
import type { RegistryConfig } from '../config.js';

export interface JobQueue {
  readonly kind: RegistryConfig['queue']['kind'];
  /** Starts this process's workers (none when `config.workers` is 0) and the hand-over of new jobs. */
  start(): Promise<void>;
  /** New jobs were committed: hand them over now instead of at the next poll. */
  nudge(): void;
  /**
   * Stops taking jobs and lets running ones finish for up to `timeoutMs`; a job still running then is
   * cancelled: its run writes nothing more (its lease is revoked, lease.ts), the job is queued again
   * without the run counting as an attempt, and a pipeline's artifact goes back from `processing` to
   * `queued`, so the next start (of any process) runs it from the beginning. Then closes connections.
   */
  stop(timeoutMs: number): Promise<void>;
}
