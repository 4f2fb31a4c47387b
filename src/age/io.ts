/**
 * Byte plumbing shared by the age file paths: sources (an open file or any
 * async iterable of bytes), sinks, block readers and recycled buffers.
 */
import type { FileHandle } from 'node:fs/promises';
import { BackgroundSync, readFull, writeAll } from '../files/fsutil.js';
import type { EncryptOptions } from './encrypt.js';
import type { ChunkPool } from './pool.js';
import { CHUNK_SIZE } from './stream.js';

/** Chunks per pool job (2 MiB): amortises messaging; with 2 jobs per worker in flight memory stays ~10 MiB per worker. */
export const JOB_CHUNKS = 32;
export const BLOCK = JOB_CHUNKS * CHUNK_SIZE;
/** Inputs below this are sealed on the calling thread (worker hand-off costs more than it saves). */
export const PARALLEL_MIN = 4 * 1024 * 1024;

export type Sink = (parts: Uint8Array[]) => Promise<void>;
export type Source = FileHandle | AsyncIterable<Uint8Array>;

export interface StreamOptions extends EncryptOptions {
  /** Worker pool for parallel chunk processing; omitted = single thread. */
  readonly pool?: ChunkPool | undefined;
  /** Called with every plaintext piece in order (hashing, progress). */
  readonly onPlaintext?: (piece: Uint8Array) => void;
  /**
   * File outputs only: false skips every fsync, as `age` does (none in the
   * background, none of the file or its folder at the end). The output name
   * still appears only after success, but a power loss may leave it empty
   * or short. Default true.
   */
  readonly durable?: boolean;
}

export interface EncryptResult {
  readonly plaintextBytes: number;
  readonly ciphertextBytes: number;
}

/**
 * Sink writing to an open file. Every `SYNC_EVERY` bytes it starts an
 * fdatasync in the background, so write-back overlaps the crypto instead of
 * piling up for the final fsync of an atomic write.
 */
export function handleSink(h: FileHandle, durable = true): Sink {
  const sync = new BackgroundSync(h, durable);
  return async (parts) => {
    await writeAll(h, parts);
    for (const p of parts) sync.wrote(p.length);
  };
}

/** Sink writing to a Node writable stream, honouring back-pressure. */
export function streamSink(w: NodeJS.WritableStream): Sink {
  return async (parts) => {
    for (const p of parts) {
      if (p.length === 0) continue;
      if (!w.write(p)) await new Promise<void>((resolve) => w.once('drain', resolve));
    }
  };
}

export function isHandle(s: Source): s is FileHandle {
  // Streams have `fd` and `read` too; only FileHandle has `readv` and `sync`.
  const h = s as Partial<FileHandle>;
  return typeof h.fd === 'number' && typeof h.readv === 'function' && typeof h.sync === 'function';
}

/**
 * `size`-byte blocks of `src` (the last may be shorter). With `fresh`, every
 * block is a new buffer (so it can be transferred to a worker); otherwise
 * one buffer is reused and each block is valid until the next is requested.
 */
export async function* blocks(src: Source, size: number, fresh = false): AsyncGenerator<Uint8Array> {
  if (isHandle(src)) {
    // Not zero-filled: readFull overwrites every byte that is yielded.
    const shared = fresh ? undefined : Buffer.allocUnsafe(size);
    for (;;) {
      const buf = shared ?? new Uint8Array(size);
      const n = await readFull(src, buf);
      if (n > 0) yield n === size ? buf : buf.subarray(0, n);
      if (n < size) return;
    }
  }
  let buf = new Uint8Array(size);
  let fill = 0;
  for await (const piece of src) {
    let pos = 0;
    while (pos < piece.length) {
      const n = Math.min(size - fill, piece.length - pos);
      buf.set(piece.subarray(pos, pos + n), fill);
      fill += n;
      pos += n;
      if (fill === size) {
        yield buf;
        buf = new Uint8Array(size);
        fill = 0;
      }
    }
  }
  if (fill > 0) yield buf.subarray(0, fill);
}

/** Recycled buffers for pool jobs: inputs of `BLOCK`-ish size and outputs. */
export class BufferBank {
  private readonly free = new Map<number, Uint8Array[]>();
  take(size: number): Uint8Array {
    // Not zero-filled: every byte handed out is overwritten before use.
    return this.free.get(size)?.pop() ?? new Uint8Array(Buffer.allocUnsafeSlow(size).buffer);
  }
  give(b: Uint8Array): void {
    const list = this.free.get(b.buffer.byteLength) ?? [];
    if (list.length < 16) list.push(new Uint8Array(b.buffer));
    this.free.set(b.buffer.byteLength, list);
  }
}

/** Input blocks for pool jobs, read straight into recycled buffers when the source is a file. */
export async function* poolBlocks(src: Source, bank: BufferBank): AsyncGenerator<Uint8Array> {
  if (!isHandle(src)) {
    yield* blocks(src, BLOCK, true);
    return;
  }
  for (;;) {
    const buf = bank.take(BLOCK);
    const n = await readFull(src, buf);
    if (n > 0) yield n === BLOCK ? buf : buf.subarray(0, n);
    if (n < BLOCK) return;
  }
}
