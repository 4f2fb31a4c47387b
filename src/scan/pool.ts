/**
 * A small pool of scan workers. Files are handed out one at a time, so a
 * huge file does not hold up the others; results come back in any order.
 */
import { Worker } from 'node:worker_threads';
import type { ScanOptions } from './engine.js';
import type { FileReport } from './report.js';
import type { WalkItem } from './walk.js';

type Reply = { id: number; report: FileReport } | { id: number; error: string };

export async function scanWithWorkers(
  items: readonly WalkItem[],
  options: ScanOptions,
  jobs: number,
  onReport: (index: number, report: FileReport) => void,
): Promise<void> {
  let next = 0;
  const workers: Worker[] = [];
  const url = new URL('./worker.js', import.meta.url);
  try {
    await new Promise<void>((resolve, reject) => {
      let active = 0;
      const feed = (w: Worker): void => {
        if (next >= items.length) {
          if (active === 0) resolve();
          return;
        }
        const id = next++;
        const item = items[id] as WalkItem;
        active++;
        w.postMessage({ id, path: item.path, display: item.display, options });
      };
      for (let i = 0; i < Math.min(jobs, items.length); i++) {
        const w = new Worker(url);
        workers.push(w);
        w.on('message', (m: Reply) => {
          active--;
          if ('error' in m) {
            reject(new Error(`worker failed on ${items[m.id]?.display ?? '?'}: ${m.error}`));
            return;
          }
          onReport(m.id, m.report);
          feed(w);
          if (next >= items.length && active === 0) resolve();
        });
        w.on('error', reject);
        feed(w);
      }
      if (items.length === 0) resolve();
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
