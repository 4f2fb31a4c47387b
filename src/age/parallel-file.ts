/**
 * The fast path for file-to-file (or file to /dev/null) encryption and
 * decryption: worker threads read, seal or open, and write their own
 * ranges with positional I/O. The STREAM layout makes every range's
 * position known in advance (chunk k of the plaintext is at a fixed offset
 * of the ciphertext), so no data crosses threads and the main thread only
 * hands out ranges. Used only when the input is a regular file whose size
 * is fixed for the duration (checked before and after).
 */
import type { FileHandle } from 'node:fs/promises';
import { fail } from './errors.js';
import { BackgroundSync } from '../files/fsutil.js';
import { buildHeader } from './encrypt.js';
import { openFilePayload } from './file-payload.js';
import type { ChunkPool } from './pool.js';
import { TAG_SIZE } from './primitives.js';
import type { Identity, Recipient } from './recipient.js';
import { runFileJob, type FileJobResult } from './chunk-jobs.js';
import { CHUNK_SIZE, ENC_CHUNK_SIZE, payloadKey } from './stream.js';

/** Chunks per range: 2 MiB of plaintext. */
const RANGE_CHUNKS = 32;

interface Range {
  readonly counter: number;
  readonly final: boolean;
  readonly inOffset: number;
  readonly inLength: number;
  readonly outOffset: number;
}

/** Runs `ranges` on the pool, two in flight per worker; rejects on the first failure. */
async function runRanges(
  pool: ChunkPool,
  op: 'seal' | 'open',
  key: Uint8Array,
  input: FileHandle,
  output: FileHandle,
  ranges: readonly Range[],
  durable: boolean,
): Promise<void> {
  const inFd = input.fd;
  const outFd = output.fd;
  const sync = new BackgroundSync(output, durable);
  let next = 0;
  const check = (r: Range, res: FileJobResult): void => {
    if (res.error !== undefined) throw fail('E_IO', `crypto worker: ${res.error}`);
    if (res.shortRead === true) throw fail('E_IO', 'input changed size while being processed');
    if (res.failedAt !== undefined) {
      throw fail('E_AGE_PAYLOAD', `chunk ${r.counter + res.failedAt} failed to authenticate (flipped, reordered, dropped or truncated)`);
    }
    sync.wrote(res.length);
  };
  const worker = async (): Promise<void> => {
    for (let r = ranges[next++]; r !== undefined; r = ranges[next++]) {
      check(r, await pool.runFile({ op, key, inFd, outFd, ...r }));
    }
  };
  // A worker takes tens of milliseconds to load; until the first one is
  // ready this thread processes ranges itself instead of waiting (about 5%
  // of a 1 GiB run on two cores). The workers' first jobs are already queued.
  const local = async (): Promise<void> => {
    for (let r = pool.ready === 0 ? ranges[next++] : undefined; r !== undefined; r = pool.ready === 0 ? ranges[next++] : undefined) {
      check(r, runFileJob({ id: -1, op, key, inFd, outFd, ...r }));
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all([...Array.from({ length: 2 * pool.size }, worker), local()]);
}

async function pwriteAll(h: FileHandle, data: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < data.length;) {
    const { bytesWritten } = await h.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

/** Encrypts the regular file `input` into `output` (written at offset 0 onwards). */
export async function encryptFileParallel(
  input: FileHandle,
  output: FileHandle,
  recipients: readonly Recipient[],
  pool: ChunkPool,
  durable = true,
): Promise<{ plaintextBytes: number; ciphertextBytes: number }> {
  const size = (await input.stat()).size;
  const { fileKey, header, nonce } = buildHeader(recipients);
  const key = payloadKey(fileKey, nonce);
  await pwriteAll(output, Buffer.concat([header, nonce]), 0);
  const base = header.length + nonce.length;
  const rangeBytes = RANGE_CHUNKS * CHUNK_SIZE;
  const ranges: Range[] = [];
  const count = Math.max(1, Math.ceil(size / rangeBytes));
  for (let k = 0; k < count; k++) {
    const inOffset = k * rangeBytes;
    ranges.push({
      counter: k * RANGE_CHUNKS,
      final: k === count - 1,
      inOffset,
      inLength: Math.min(rangeBytes, size - inOffset),
      outOffset: base + k * (rangeBytes + RANGE_CHUNKS * TAG_SIZE),
    });
  }
  await runRanges(pool, 'seal', key, input, output, ranges, durable);
  if ((await input.stat()).size !== size) throw fail('E_IO', 'input changed size while being encrypted');
  const chunks = Math.max(1, Math.ceil(size / CHUNK_SIZE));
  return { plaintextBytes: size, ciphertextBytes: base + size + chunks * TAG_SIZE };
}

/** Decrypts the regular binary age file `input` into `output`. Throws like sequential decryption. */
export async function decryptFileParallel(
  input: FileHandle,
  output: FileHandle,
  identities: readonly Identity[],
  pool: ChunkPool,
  durable = true,
): Promise<number> {
  const size = (await input.stat()).size;
  const { key, start, encLength: encLen, plaintextBytes: plain } = await openFilePayload(input, size, identities);
  const rangeBytes = RANGE_CHUNKS * ENC_CHUNK_SIZE;
  const count = Math.max(1, Math.ceil(encLen / rangeBytes));
  const ranges: Range[] = [];
  for (let k = 0; k < count; k++) {
    const inOffset = start + k * rangeBytes;
    ranges.push({
      counter: k * RANGE_CHUNKS,
      final: k === count - 1,
      inOffset,
      inLength: Math.min(rangeBytes, size - inOffset),
      outOffset: k * RANGE_CHUNKS * CHUNK_SIZE,
    });
  }
  await runRanges(pool, 'open', key, input, output, ranges, durable);
  if ((await input.stat()).size !== size) throw fail('E_IO', 'input changed size while being decrypted');
  return plain;
}
