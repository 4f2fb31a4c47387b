/**
 * Worker thread entry for the chunk pool (`pool.ts`): runs jobs from
 * `chunk-jobs.ts`. A job's buffers are handed back with its result (two
 * transfers per job: transferring one buffer per chunk was measured to cost
 * more than the crypto), so the caller can recycle them. Posts `{ ready }`
 * once loaded, so the pool knows when to stop working on its own thread.
 */
import { parentPort } from 'node:worker_threads';
import { runFileJob, runJob, type FileJob, type FileJobResult, type Job } from './chunk-jobs.js';

parentPort?.on('message', (msg: Job | (FileJob & { kind: 'file' })) => {
  if ('kind' in msg) {
    let res: FileJobResult;
    try {
      res = runFileJob(msg);
    } catch (e) {
      res = { id: msg.id, length: 0, error: (e as Error).message };
    }
    parentPort?.postMessage(res);
    return;
  }
  const r = runJob(msg);
  const transfer = new Set<ArrayBuffer>([r.data.buffer as ArrayBuffer, r.out.buffer as ArrayBuffer]);
  parentPort?.postMessage(r, [...transfer]);
});
parentPort?.postMessage({ ready: true });
