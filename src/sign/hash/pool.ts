/**
 * Hashes ranges on all cores: one worker thread per core, each pulling the
 * next range as soon as it is done (large files are split into shards by
 * the caller, so two cores can share one file). Small jobs run in this
 * thread: starting workers costs more than hashing a few megabytes.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SignError } from '../errors.js';
import { hashRange, type RangeJob, type RangeResult } from './range.js';

/** Below this many bytes in total, hash in this thread. */
const IN_THREAD_BYTES = 64 * 1024 * 1024;

function unwrap(r: RangeResult): string {
  if ('error' in r) throw new SignError('E_SIG_MODEL', r.error);
  return r.digest;
}

export async function hashRanges(jobs: readonly RangeJob[], threads = availableParallelism()): Promise<string[]> {
  const total = jobs.reduce((s, j) => s + (j.end - j.start), 0);
  const n = Math.min(threads, jobs.length);
  if (n <= 1 || total < IN_THREAD_BYTES) return jobs.map((j) => unwrap(hashRange(j)));
  // Biggest first keeps the cores busy until the end.
  const order = jobs
    .map((_, i) => i)
    .sort((a, b) => (jobs[b] as RangeJob).end - (jobs[b] as RangeJob).start - ((jobs[a] as RangeJob).end - (jobs[a] as RangeJob).start));
  const out: string[] = new Array<string>(jobs.length);
  let next = 0;
  const url = new URL('./worker.js', import.meta.url);
  const workers: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: n }, () => {
        const w = new Worker(url);
        workers.push(w);
        return new Promise<void>((resolve, reject) => {
          const feed = (): void => {
            if (next >= order.length) {
              resolve();
              return;
            }
            const id = order[next++] as number;
            w.postMessage({ id, jobs: [jobs[id]] });
          };
          w.on('message', (m: { id: number; results: RangeResult[] }) => {
            try {
              out[m.id] = unwrap(m.results[0] as RangeResult);
            } catch (e) {
              reject(e);
              return;
            }
            feed();
          });
          w.on('error', reject);
          feed();
        });
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}
