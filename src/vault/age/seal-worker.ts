/**
 * Worker thread body for parallel STREAM sealing/opening: one job is a run
 * of consecutive chunks, answered with the sealed (or opened) bytes as one
 * transferred buffer. Opening failures are reported, never thrown.
 */
import { createSecretKey } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { TAG_SIZE } from './primitives.js';
import { CHUNK_SIZE, ENC_CHUNK_SIZE, openChunk, sealChunk } from './stream.js';

export interface Job {
  readonly id: number;
  readonly op: 'seal' | 'open';
  readonly key: Uint8Array;
  readonly counter: number;
  /** Whether the job's last chunk is the stream's final chunk. */
  readonly final: boolean;
  readonly data: Uint8Array;
}

export interface JobResult {
  readonly id: number;
  readonly out?: Uint8Array;
  /** Index (within the job) of the first chunk that failed to open. */
  readonly failedAt?: number;
}

function seal(job: Job): Uint8Array {
  const key = createSecretKey(job.key);
  const n = Math.max(1, Math.ceil(job.data.length / CHUNK_SIZE));
  const out = new Uint8Array(job.data.length + n * TAG_SIZE);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const pt = job.data.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE);
    const [ct, tag] = sealChunk(key, job.counter + i, job.final && i === n - 1, pt);
    out.set(ct, o);
    out.set(tag, o + ct.length);
    o += ct.length + TAG_SIZE;
  }
  return out;
}

function open(job: Job): JobResult {
  const key = createSecretKey(job.key);
  const n = Math.max(1, Math.ceil(job.data.length / ENC_CHUNK_SIZE));
  const out = new Uint8Array(Math.max(0, job.data.length - n * TAG_SIZE));
  let o = 0;
  for (let i = 0; i < n; i++) {
    const sealed = job.data.subarray(i * ENC_CHUNK_SIZE, (i + 1) * ENC_CHUNK_SIZE);
    const pt = openChunk(key, job.counter + i, job.final && i === n - 1, sealed);
    if (pt === undefined) return { id: job.id, failedAt: i };
    out.set(pt, o);
    o += pt.length;
  }
  return { id: job.id, out };
}

parentPort?.on('message', (job: Job) => {
  if (job.op === 'seal') {
    const out = seal(job);
    parentPort?.postMessage({ id: job.id, out } satisfies JobResult, [out.buffer as ArrayBuffer]);
  } else {
    const res = open(job);
    parentPort?.postMessage(res, res.out === undefined ? [] : [res.out.buffer as ArrayBuffer]);
  }
});
