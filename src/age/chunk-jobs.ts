/**
 * Jobs for parallel STREAM sealing/opening: one job is a run of consecutive
 * chunks. Run on the pool's worker threads (`seal-worker.ts`), and on the
 * calling thread while those workers are still starting. Opening failures
 * are reported with the failing chunk's index, never thrown.
 *
 * Kept apart from the worker entry so that importing it never attaches a
 * listener to the importing thread's `parentPort`.
 */
import { createSecretKey } from 'node:crypto';
import { readSync, writevSync } from 'node:fs';
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
  /** Output buffer, at least `data.length + chunks * 16` bytes for sealing, `data.length` for opening. */
  readonly out: Uint8Array;
}

export interface JobResult {
  readonly id: number;
  /** The job's buffers, handed back. */
  readonly data: Uint8Array;
  readonly out: Uint8Array;
  /** Bytes of `out` filled (for opening: the plaintext of the chunks that verified). */
  readonly length: number;
  /** Opening: index (within the job) of the first chunk that failed. */
  readonly failedAt?: number;
}

/** Output capacity a job over `dataLength` input bytes needs. */
export function outputSize(op: Job['op'], dataLength: number): number {
  return op === 'seal' ? dataLength + Math.max(1, Math.ceil(dataLength / CHUNK_SIZE)) * TAG_SIZE : dataLength;
}

export function runJob(job: Job): JobResult {
  const key = createSecretKey(job.key);
  const size = job.op === 'seal' ? CHUNK_SIZE : ENC_CHUNK_SIZE;
  const n = Math.max(1, Math.ceil(job.data.length / size));
  let o = 0;
  for (let i = 0; i < n; i++) {
    const piece = job.data.subarray(i * size, (i + 1) * size);
    const last = job.final && i === n - 1;
    if (job.op === 'seal') {
      const [ct, tag] = sealChunk(key, job.counter + i, last, piece);
      job.out.set(ct, o);
      job.out.set(tag, o + ct.length);
      o += ct.length + TAG_SIZE;
    } else {
      const pt = openChunk(key, job.counter + i, last, piece);
      if (pt === undefined) return { id: job.id, data: job.data, out: job.out, length: o, failedAt: i };
      job.out.set(pt, o);
      o += pt.length;
    }
  }
  return { id: job.id, data: job.data, out: job.out, length: o };
}

/**
 * A job over file descriptors: the worker reads its input range with
 * positional reads, seals or opens it, and writes the result at `outOffset`
 * with positional writes. Only a few numbers cross threads.
 */
export interface FileJob {
  readonly id: number;
  readonly op: 'seal' | 'open';
  readonly key: Uint8Array;
  readonly counter: number;
  readonly final: boolean;
  readonly inFd: number;
  readonly inOffset: number;
  readonly inLength: number;
  readonly outFd: number;
  readonly outOffset: number;
}

export interface FileJobResult {
  readonly id: number;
  readonly length: number;
  readonly failedAt?: number;
  /** A short read: the input changed size under us. */
  readonly shortRead?: boolean;
  readonly error?: string;
}

let inBuf = new Uint8Array(0);
/** writev takes at most IOV_MAX (1024 on Linux) buffers per call. */
const IOV_BATCH = 1024;

export function runFileJob(job: FileJob): FileJobResult {
  if (inBuf.length < job.inLength) inBuf = new Uint8Array(job.inLength);
  const data = inBuf.subarray(0, job.inLength);
  let done = 0;
  while (done < data.length) {
    const n = readSync(job.inFd, data, done, data.length - done, job.inOffset + done);
    if (n === 0) return { id: job.id, length: 0, shortRead: true };
    done += n;
  }
  // Write OpenSSL's output buffers as they are (writev), without gathering them.
  const key = createSecretKey(job.key);
  const size = job.op === 'seal' ? CHUNK_SIZE : ENC_CHUNK_SIZE;
  const n = Math.max(1, Math.ceil(data.length / size));
  const parts: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const piece = data.subarray(i * size, (i + 1) * size);
    const last = job.final && i === n - 1;
    if (job.op === 'seal') {
      parts.push(...sealChunk(key, job.counter + i, last, piece));
    } else {
      const pt = openChunk(key, job.counter + i, last, piece);
      if (pt === undefined) return { id: job.id, length: 0, failedAt: i };
      parts.push(pt);
    }
  }
  let pos = job.outOffset;
  let rest = parts.filter((p) => p.length > 0);
  while (rest.length > 0) {
    const batch = rest.slice(0, IOV_BATCH);
    let w = writevSync(job.outFd, batch, pos);
    pos += w;
    const next: Uint8Array[] = [];
    for (const p of batch) {
      if (w >= p.length) w -= p.length;
      else {
        next.push(p.subarray(w));
        w = 0;
      }
    }
    rest = [...next, ...rest.slice(IOV_BATCH)];
  }
  return { id: job.id, length: pos - job.outOffset };
}
