/**
 * Scans files on `jobs` threads: this thread plus `jobs - 1` workers, all
 * taking small batches from one queue (one message per file costs more than
 * scanning a small checkpoint, and this thread is already warm). Results
 * come back in any order.
 */
import { Worker } from 'node:worker_threads';
import type { ScanOptions } from './engine.js';
import { scanFileReport } from './scan-file.js';
import type { FileReport } from '../findings/report.js';
import type { WalkItem } from './walk.js';

type Reply = { ids: number[]; reports: FileReport[] } | { ids: number[]; error: string };

/** Files per batch: enough to amortise messaging, few enough to keep threads balanced. */
function batchSize(files: number, jobs: number): number {
  return Math.max(1, Math.min(32, Math.floor(files / (jobs * 8))));
}

/**
 * Workers start only when this thread's own pace says the rest of the scan
 * will take longer than a worker is worth: a worker costs a module load and
 * a cold JIT, and on small machines two busy isolates slow each other down
 * (on this project's 2-core VM, 2,000 small checkpoints scanned 20% slower
 * with a worker than without, and 8,000 no faster). Big scans on machines
 * with more cores are where workers pay.
 */
const WORKER_COST_MS = 1500;
/** Time spent before the pace is trusted (the first files are slowest: cold JIT). */
const PACE_AFTER_MS = 150;

export async function scanWithWorkers(
  items: readonly WalkItem[],
  options: ScanOptions,
  jobs: number,
  onReport: (index: number, report: FileReport) => void,
  /** Start workers only when the pace calls for them (the default); false starts them at once (an explicit `--jobs`). */
  adaptive = true,
): Promise<void> {
  let next = 0;
  const size = batchSize(items.length, jobs);
  const take = (): number[] => {
    const ids: number[] = [];
    while (ids.length < size && next < items.length) ids.push(next++);
    return ids;
  };
  const workers: Worker[] = [];
  const url = new URL('./worker.js', import.meta.url);
  let remote: Promise<void> = Promise.resolve();
  const spawn = (): void => {
    remote = new Promise<void>((resolve, reject) => {
      let active = 0;
      const feed = (w: Worker): void => {
        const ids = take();
        if (ids.length === 0) {
          if (active === 0) resolve();
          return;
        }
        active++;
        w.postMessage({
          ids,
          paths: ids.map((i) => (items[i] as WalkItem).path),
          displays: ids.map((i) => (items[i] as WalkItem).display),
          options,
        });
      };
      const n = Math.min(jobs - 1, Math.ceil((items.length - next) / size) - 1);
      if (n <= 0) resolve();
      for (let i = 0; i < n; i++) {
        const w = new Worker(url);
        workers.push(w);
        w.on('message', (m: Reply) => {
          active--;
          if ('error' in m) {
            reject(new Error(`worker failed on ${items[m.ids[0] ?? 0]?.display ?? '?'}: ${m.error}`));
            return;
          }
          m.ids.forEach((id, k) => {
            onReport(id, m.reports[k] as FileReport);
          });
          feed(w);
        });
        w.on('error', reject);
        feed(w);
      }
    });
    // Surfaced by the await below; avoid an unhandled rejection while this thread is still busy.
    remote.catch(() => undefined);
  };
  const started = performance.now();
  let spawned = !adaptive;
  if (!adaptive) spawn();
  try {
    // This thread takes batches too, yielding between them so worker replies are handled.
    for (let ids = take(); ids.length > 0; ids = take()) {
      for (const id of ids) {
        const it = items[id] as WalkItem;
        onReport(id, await scanFileReport(it.path, { ...options, displayName: it.display }));
      }
      const elapsed = performance.now() - started;
      if (!spawned && next < items.length && elapsed > PACE_AFTER_MS && ((items.length - next) * elapsed) / next > WORKER_COST_MS) {
        spawned = true;
        spawn();
      }
      await new Promise((r) => setImmediate(r));
    }
    await remote;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
