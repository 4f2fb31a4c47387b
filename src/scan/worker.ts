/**
 * Worker-thread entry for directory scans: receives file jobs, returns
 * reports. One file is scanned with synchronous I/O on one thread; the
 * pool spreads files over cores.
 */
import { parentPort } from 'node:worker_threads';
import { scanFile, type ScanOptions } from './engine.js';

interface Job {
  id: number;
  path: string;
  display: string;
  options: ScanOptions;
}

parentPort?.on('message', (job: Job) => {
  scanFile(job.path, { ...job.options, displayName: job.display }).then(
    (report) => parentPort?.postMessage({ id: job.id, report }),
    (e: unknown) => parentPort?.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) }),
  );
});
