/**
 * A small pool of worker threads that seal or open runs of STREAM chunks.
 *
 * Used by the file paths for inputs of several MiB when more than one core
 * is available (see bench/age.mjs for measurements). Callers recycle the
 * buffers that come back with each result.
 */
import { entry } from '../bytes/at.js';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { fail } from './errors.js';
import { outputSize, type FileJob, type FileJobResult, type Job, type JobResult } from './chunk-jobs.js';

interface Pending {
  resolve: (r: JobResult | FileJobResult) => void;
  reject: (e: unknown) => void;
}

export class ChunkPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private rr = 0;
  private broken: { error: unknown } | undefined = undefined;
  private readyWorkers = 0;

  constructor(size = defaultPoolSize()) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./seal-worker.js', import.meta.url));
      w.on('message', (r: JobResult | FileJobResult | { ready: true }) => {
        if ('ready' in r) {
          this.readyWorkers++;
          return;
        }
        const p = this.pending.get(r.id);
        this.pending.delete(r.id);
        p?.resolve(r);
      });
      w.on('error', (e) => {
        this.breakAll(e);
      });
      w.on('exit', (code) => {
        if (code !== 0) this.breakAll(fail('E_IO', `crypto worker exited with ${code}`));
      });
      this.workers.push(w);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Workers that finished loading; until then, jobs queue up in their ports. */
  get ready(): number {
    return this.readyWorkers;
  }

  /**
   * Submits a job. `data` and `out` are transferred (unusable by the caller
   * until they come back in the result). `out` must hold `outputSize(op, data.length)`.
   */
  run(op: Job['op'], key: Uint8Array, counter: number, final: boolean, data: Uint8Array, out: Uint8Array): Promise<JobResult> {
    if (this.broken !== undefined) return Promise.reject(this.broken.error);
    if (out.length < outputSize(op, data.length)) return Promise.reject(fail('E_USAGE', 'pool job output buffer too small'));
    const id = this.next++;
    const job: Job = { id, op, key, counter, final, data, out };
    const w = entry(this.workers, this.rr++ % this.workers.length, 'worker pool');
    return new Promise<JobResult>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: JobResult | FileJobResult) => void, reject });
      w.postMessage(job, [...new Set([data.buffer as ArrayBuffer, out.buffer as ArrayBuffer])]);
    });
  }

  /** Submits a file-descriptor job (see `FileJob`); only numbers cross threads. */
  runFile(job: Omit<FileJob, 'id'>): Promise<FileJobResult> {
    if (this.broken !== undefined) return Promise.reject(this.broken.error);
    const id = this.next++;
    const w = entry(this.workers, this.rr++ % this.workers.length, 'worker pool');
    return new Promise<FileJobResult>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve, reject });
      w.postMessage({ ...job, id, kind: 'file' });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }

  private breakAll(e: unknown): void {
    this.broken = { error: e };
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/** Workers to use: one per core, at most 4 (I/O becomes the limit beyond). */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}
