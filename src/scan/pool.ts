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
 * (on this project's 2-core VM, 2,000 small checkpoints scanned 20-30%
 * slower with a worker than without). Big scans, and machines with more
 * cores, are where workers pay.
 *
 * The pace is the *recent* one (the files scanned in the last
 * `PACE_WINDOW_MS`), not the average since the start: the first files run
 * in cold code and cost several times what later ones do, so the average
 * made every scan of a few hundred files look long enough for a worker.
 * And it is counted in this process's CPU time, not in wall time: on a
 * machine busy with other work the wall-clock pace is several times slower,
 * which made a 2,000-file scan look long enough for a worker there too,
 * where a worker's start-up competes for the same scarce cores.
 *
 * The threshold is the break-even measured on a quiet 2-core VM: a worker
 * started at once made 8,000 small checkpoints no faster (about 2.5-3 s of
 * scanning left on one thread at the point the pace is read) and 20,000
 * faster; a worker's own start-up and warm-up cost about a second of CPU
 * before it pays.
 */
const WORKER_COST_MS = 3000;
/**
 * A pace window starts only after this much CPU time and this many files in
 * this pool: the first few hundred files run in cold code (about 3.5 ms of
 * CPU each against 0.3-0.5 ms once V8 has optimised the scanners).
 */
const PACE_AFTER_MS = 150;
const PACE_AFTER_FILES = 256;
/** The pace is measured over at least this much of the latest work (CPU time). */
const PACE_WINDOW_MS = 50;

/** Batches each worker holds at once: the one it scans and the next, so it never waits for this thread. */
const IN_FLIGHT = 2;

/** This process's CPU time so far, in milliseconds (every thread: the main one, and V8's compiler and GC threads). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

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
        // Two batches in flight: this thread reads a worker's reply only between its own batches, so a worker
        // with one batch sat idle for up to a batch's time after each (a fifth of its time over 20,000 files).
        for (let k = 0; k < IN_FLIGHT; k++) feed(w);
      }
    });
    // Surfaced by the await below; avoid an unhandled rejection while this thread is still busy.
    remote.catch(() => undefined);
  };
  const started = cpuMs();
  // Where the pace window starts: the CPU time and how many files had been taken then.
  let markTime = started;
  let markNext = 0;
  let spawned = !adaptive;
  if (!adaptive) spawn();
  try {
    // This thread takes batches too, yielding between them so worker replies are handled.
    for (let ids = take(); ids.length > 0; ids = take()) {
      for (const id of ids) {
        const it = items[id] as WalkItem;
        onReport(id, await scanFileReport(it.path, { ...options, displayName: it.display }));
      }
      const now = spawned ? 0 : cpuMs();
      if (!spawned && next < items.length && now - markTime >= PACE_WINDOW_MS) {
        const pace = (now - markTime) / (next - markNext);
        if (markTime - started >= PACE_AFTER_MS && markNext >= PACE_AFTER_FILES && (items.length - next) * pace > WORKER_COST_MS) {
          spawned = true;
          spawn();
        }
        markTime = now;
        markNext = next;
      }
      await new Promise((r) => setImmediate(r));
    }
    await remote;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
