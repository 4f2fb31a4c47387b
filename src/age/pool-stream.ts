/**
 * Parallel STREAM processing between a source and a sink (stdin, stdout,
 * the vault's hashing sinks): worker threads seal or open 2 MiB jobs and the
 * results are written in order. File-to-file work uses the faster
 * parallel-file.ts instead, where workers do their own I/O.
 */
import type { FileHandle } from 'node:fs/promises';
import { fail } from './errors.js';
import { readFull } from '../files/fsutil.js';
import { buildHeader } from './encrypt.js';
import { openFilePayload } from './file-payload.js';
import { BLOCK, BufferBank, JOB_CHUNKS, poolBlocks, type EncryptResult, type Sink, type Source, type StreamOptions } from './io.js';
import type { ChunkPool } from './pool.js';
import type { Identity, Recipient } from './recipient.js';
import { outputSize, type JobResult } from './chunk-jobs.js';
import { CHUNK_SIZE, ENC_CHUNK_SIZE, payloadKey } from './stream.js';

/**
 * Queues a job's promise, marked handled: when an early job fails, `drain`
 * throws and the later ones are never awaited; their rejections must not
 * surface as unhandled (a crash with a stack trace) after the real error.
 */
function enqueue<T>(queue: Promise<T>[], p: Promise<T>): void {
  p.catch(() => undefined);
  queue.push(p);
}

/** The pool branch of `encryptTo`: chunks sealed on worker threads, written in order. */
export async function encryptToPool(
  src: Source,
  sink: Sink,
  recipients: readonly Recipient[],
  pool: ChunkPool,
  options: StreamOptions,
): Promise<EncryptResult> {
  let plain = 0;
  let cipher = 0;
  const { fileKey, header, nonce } = buildHeader(recipients, options.fileKey);
  const key = payloadKey(fileKey, nonce);
  await sink([header, nonce]);
  cipher += header.length + nonce.length;
  const bank = new BufferBank();
  const queue: Promise<JobResult>[] = [];
  const drain = async (keep: number): Promise<void> => {
    while (queue.length > keep) {
      const r = await (queue.shift() as Promise<JobResult>);
      cipher += r.length;
      await sink([r.out.subarray(0, r.length)]);
      bank.give(r.data);
      bank.give(r.out);
    }
  };
  const submit = (data: Uint8Array, counter: number, final: boolean): void => {
    enqueue(queue, pool.run('seal', key, counter, final, data, bank.take(outputSize('seal', BLOCK))));
  };
  let held: Uint8Array | undefined;
  let counter = 0;
  for await (const b of poolBlocks(src, bank)) {
    options.onPlaintext?.(b);
    plain += b.length;
    if (held !== undefined) {
      const chunks = held.length / CHUNK_SIZE; // read before the buffer is transferred
      submit(held, counter, false);
      counter += chunks;
    }
    held = b;
    await drain(2 * pool.size);
  }
  submit(held ?? new Uint8Array(0), counter, true);
  await drain(0);
  return { plaintextBytes: plain, ciphertextBytes: cipher };
}

/**
 * Decrypts a binary age file with the payload opened on the pool. The file
 * size tells which chunk is final, so chunks can be opened out of order and
 * written in order. Falls back to `decryptTo` for armored files.
 */
export async function decryptToSinkParallel(
  h: FileHandle,
  size: number,
  sink: Sink,
  identities: readonly Identity[],
  pool: ChunkPool,
  options: StreamOptions,
): Promise<number> {
  const { key, start, encLength: encLen } = await openFilePayload(h, size, identities);
  const chunks = Math.max(1, Math.ceil(encLen / ENC_CHUNK_SIZE));
  const jobBytes = JOB_CHUNKS * ENC_CHUNK_SIZE;
  const bank = new BufferBank();
  const queue: Promise<JobResult>[] = [];
  let n = 0;
  const drain = async (keep: number): Promise<void> => {
    while (queue.length > keep) {
      const r = await (queue.shift() as Promise<JobResult>);
      const pt = r.out.subarray(0, r.length);
      options.onPlaintext?.(pt);
      n += pt.length;
      await sink([pt]);
      bank.give(r.data);
      bank.give(r.out);
    }
  };
  for (let off = 0, counter = 0; off < encLen || counter === 0; off += jobBytes) {
    const len = Math.min(jobBytes, encLen - off);
    const buf = bank.take(jobBytes).subarray(0, len);
    if ((await readFull(h, buf, start + off)) !== len) throw fail('E_AGE_PAYLOAD', 'file shrank while reading');
    const c = counter;
    const jobChunks = Math.max(1, Math.ceil(len / ENC_CHUNK_SIZE));
    const final = c + jobChunks === chunks;
    enqueue(
      queue,
      pool.run('open', key, c, final, buf, bank.take(jobBytes)).then((r) => {
        if (r.failedAt !== undefined) {
          throw fail('E_AGE_PAYLOAD', `chunk ${c + r.failedAt} failed to authenticate (flipped, reordered, dropped or truncated)`);
        }
        return r;
      }),
    );
    counter += jobChunks;
    await drain(2 * pool.size);
    if (len === 0) break;
  }
  await drain(0);
  return n;
}
