/**
 * A small pool of worker threads that seal or open runs of STREAM chunks.
 *
 * Used by the file paths for inputs of several MiB when more than one core
 * is available; measured at about 1.6-1.9x single-thread throughput on two
 * cores (see bench/age.mjs). Results come back in submission order.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { fail } from '../errors.js';
import type { Job, JobResult } from './seal-worker.js';

interface Pending {
  resolve: (r: JobResult) => void;
  reject: (e: unknown) => void;
}

export class ChunkPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private rr = 0;
  private broken: unknown = undefined;

  constructor(size = defaultPoolSize()) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./seal-worker.js', import.meta.url));
      w.on('message', (r: JobResult) => {
        const p = this.pending.get(r.id);
        this.pending.delete(r.id);
        p?.resolve(r);
      });
      w.on('error', (e) => this.breakAll(e));
      w.on('exit', (code) => {
        if (code !== 0) this.breakAll(fail('E_IO', `crypto worker exited with ${code}`));
      });
      this.workers.push(w);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Submits a job; `data` is transferred (unusable by the caller afterwards). */
  run(op: Job['op'], key: Uint8Array, counter: number, final: boolean, data: Uint8Array): Promise<JobResult> {
    if (this.broken !== undefined) return Promise.reject(this.broken);
    const id = this.next++;
    const job: Job = { id, op, key, counter, final, data };
    const w = this.workers[this.rr++ % this.workers.length] as Worker;
    return new Promise<JobResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage(job, [data.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }

  private breakAll(e: unknown): void {
    this.broken = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/** Workers to use: one per core, at most 4 (I/O becomes the limit beyond). */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}
