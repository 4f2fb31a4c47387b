/** Worker-thread entry: hashes batches of ranges. */
import { parentPort } from 'node:worker_threads';
import { hashRange, type RangeJob } from './range.js';

parentPort?.on('message', (m: { id: number; jobs: RangeJob[] }) => {
  parentPort?.postMessage({ id: m.id, results: m.jobs.map(hashRange) });
});
