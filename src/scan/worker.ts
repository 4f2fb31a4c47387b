/**
 * Worker-thread entry for directory scans: receives batches of files,
 * returns their reports. One file is scanned with synchronous I/O on one
 * thread; the pool spreads batches over cores.
 */
import { parentPort } from 'node:worker_threads';
import type { ScanOptions } from './engine.js';
import { scanFileReport } from './scan-file.js';
import type { FileReport } from '../findings/report.js';

interface Batch {
  ids: number[];
  paths: (string | Uint8Array)[];
  displays: string[];
  options: ScanOptions;
}

parentPort?.on('message', (batch: Batch) => {
  void (async () => {
    const reports: FileReport[] = [];
    try {
      for (let i = 0; i < batch.ids.length; i++) {
        reports.push(await scanFileReport(batch.paths[i] as string | Uint8Array, { ...batch.options, displayName: batch.displays[i] as string }));
      }
      parentPort?.postMessage({ ids: batch.ids, reports });
    } catch (e) {
      parentPort?.postMessage({ ids: batch.ids, error: e instanceof Error ? e.message : String(e) });
    }
  })();
});
