/**
 * age over files and streams: constant memory, optional parallel sealing
 * and opening, and crash-safe outputs.
 *
 * Decryption to a path writes a temp file in the same directory and renames
 * it only after the final chunk verified, so the output name never holds
 * unauthenticated or partial plaintext. Decryption to a stream (stdout)
 * cannot retract bytes: like `age`, it writes each chunk once its tag
 * verified and exits non-zero if a later chunk fails.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { fail } from '../errors.js';
import { atomicWrite, BackgroundSync, directWrite, isSpecialOutput, readFull, writeAll } from '../fsutil.js';
import { looksArmored } from './armor.js';
import { AgeDecryptor, Decryptor, unwrapHeader } from './decrypt.js';
import { buildHeader, Encryptor, type EncryptOptions } from './encrypt.js';
import { findHeaderEnd, MAX_HEADER_SIZE, parseHeader } from './format.js';
import { decryptFileParallel, encryptFileParallel } from './parallel-file.js';
import type { ChunkPool } from './pool.js';
import { outputSize, type JobResult } from './seal-worker.js';
import type { Identity, Recipient } from './recipient.js';
import { CHUNK_SIZE, ENC_CHUNK_SIZE, PAYLOAD_NONCE_SIZE, payloadKey, plaintextSize } from './stream.js';

/** Chunks per pool job (2 MiB): amortises messaging; with 2 jobs per worker in flight memory stays ~10 MiB per worker. */
const JOB_CHUNKS = 32;
const BLOCK = JOB_CHUNKS * CHUNK_SIZE;
/** Inputs below this are sealed on the calling thread (worker hand-off costs more than it saves). */
const PARALLEL_MIN = 4 * 1024 * 1024;

export type Sink = (parts: Uint8Array[]) => Promise<void>;
export type Source = FileHandle | AsyncIterable<Uint8Array>;

export interface StreamOptions extends EncryptOptions {
  /** Worker pool for parallel chunk processing; omitted = single thread. */
  readonly pool?: ChunkPool | undefined;
  /** Called with every plaintext piece in order (hashing, progress). */
  readonly onPlaintext?: (piece: Uint8Array) => void;
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
export function handleSink(h: FileHandle): Sink {
  const sync = new BackgroundSync(h);
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

function isHandle(s: Source): s is FileHandle {
  // Streams have `fd` and `read` too; only FileHandle has `readv` and `sync`.
  const h = s as Partial<FileHandle>;
  return typeof h.fd === 'number' && typeof h.readv === 'function' && typeof h.sync === 'function';
}

/**
 * `size`-byte blocks of `src` (the last may be shorter). With `fresh`, every
 * block is a new buffer (so it can be transferred to a worker); otherwise
 * one buffer is reused and each block is valid until the next is requested.
 */
async function* blocks(src: Source, size: number, fresh = false): AsyncGenerator<Uint8Array> {
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
class BufferBank {
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
async function* poolBlocks(src: Source, bank: BufferBank): AsyncGenerator<Uint8Array> {
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

/**
 * Encrypts `src` into `sink`. With a pool (and no armor) chunks are sealed
 * on worker threads, in order. Returns byte counts.
 */
export async function encryptTo(src: Source, sink: Sink, recipients: readonly Recipient[], options: StreamOptions = {}): Promise<EncryptResult> {
  const pool = options.armor === true ? undefined : options.pool;
  let plain = 0;
  let cipher = 0;
  if (pool === undefined) {
    const e = new Encryptor(recipients, options);
    for await (const b of blocks(src, BLOCK)) {
      options.onPlaintext?.(b);
      plain += b.length;
      const out = e.push(b);
      for (const o of out) cipher += o.length;
      await sink(out);
    }
    const out = e.end();
    for (const o of out) cipher += o.length;
    await sink(out);
    return { plaintextBytes: plain, ciphertextBytes: cipher };
  }
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
    queue.push(pool.run('seal', key, counter, final, data, bank.take(outputSize('seal', BLOCK))));
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

/** Decrypts `src` (binary or armored) into `sink`, sequentially. Throws at the end if incomplete. */
export async function decryptTo(src: Source, sink: Sink, identities: readonly Identity[], options: StreamOptions = {}): Promise<number> {
  const d = new Decryptor(identities);
  let n = 0;
  const emit = async (parts: Uint8Array[]): Promise<void> => {
    for (const p of parts) {
      options.onPlaintext?.(p);
      n += p.length;
    }
    await sink(parts);
  };
  for await (const b of blocks(src, BLOCK)) await emit(d.push(b));
  await emit(d.end());
  return n;
}

/**
 * Decrypts a binary age file with the payload opened on the pool. The file
 * size tells which chunk is final, so chunks can be opened out of order and
 * written in order. Falls back to `decryptTo` for armored files.
 */
async function decryptToSinkParallel(h: FileHandle, size: number, sink: Sink, identities: readonly Identity[], pool: ChunkPool, options: StreamOptions): Promise<number> {
  const head = new Uint8Array(Math.min(size, MAX_HEADER_SIZE + PAYLOAD_NONCE_SIZE + 1));
  const got = await readFull(h, head, 0);
  const end = findHeaderEnd(head.subarray(0, got));
  if (end === undefined) {
    // Let the sequential decryptor produce the precise error.
    const d = new AgeDecryptor(identities);
    d.push(head.subarray(0, got));
    d.end();
    throw fail('E_AGE_HEADER', 'unterminated header');
  }
  const header = parseHeader(head.subarray(0, end));
  const fileKey = unwrapHeader(header, identities);
  if (got < end + PAYLOAD_NONCE_SIZE) throw fail('E_AGE_HEADER', 'input ends before the payload nonce');
  const key = payloadKey(fileKey, head.slice(end, end + PAYLOAD_NONCE_SIZE));
  const start = end + PAYLOAD_NONCE_SIZE;
  const encLen = size - start;
  if (plaintextSize(encLen) === undefined) {
    throw fail('E_AGE_PAYLOAD', encLen === 0 ? 'payload has no chunks' : `payload length ${encLen} is not a valid STREAM length (truncated or padded)`);
  }
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
    queue.push(
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

/** Encrypts the file at `input` to `output` atomically (temp + fsync + rename). */
export async function encryptFile(input: string, output: string, recipients: readonly Recipient[], options: StreamOptions = {}): Promise<EncryptResult> {
  const h = await openInput(input);
  try {
    const st = await h.stat();
    const opts = st.size >= PARALLEL_MIN ? options : { ...options, pool: undefined };
    const write = (await isSpecialOutput(output)) ? directWrite : atomicWrite;
    return await write(output, async (out) => {
      if (opts.pool !== undefined && opts.armor !== true && opts.onPlaintext === undefined && opts.fileKey === undefined && (await seekable(out, output))) {
        return encryptFileParallel(h, out, recipients, opts.pool);
      }
      return encryptTo(h, handleSink(out), recipients, opts);
    });
  } finally {
    await h.close();
  }
}

/**
 * Decrypts the file at `input` to `output`. The output name appears only
 * after the whole payload authenticated; on any failure nothing is left.
 */
export async function decryptFile(input: string, output: string, identities: readonly Identity[], options: StreamOptions = {}): Promise<number> {
  const h = await openInput(input);
  try {
    // A special output (/dev/null, a FIFO) is written in place: like stdout, it cannot be retracted.
    const write = (await isSpecialOutput(output)) ? directWrite : atomicWrite;
    return await write(output, async (out) => {
      const st = await h.stat();
      const first = new Uint8Array(1);
      const binary = (await readFull(h, first, 0)) === 1 && !looksArmored(first);
      if (options.pool !== undefined && binary && st.isFile() && st.size >= PARALLEL_MIN && options.onPlaintext === undefined && (await seekable(out, output))) {
        return decryptFileParallel(h, out, identities, options.pool);
      }
      return decryptHandle(h, handleSink(out), identities, options);
    });
  } finally {
    await h.close();
  }
}

/** Decrypts an open file into a sink, in parallel when worthwhile. */
export async function decryptHandle(h: FileHandle, sink: Sink, identities: readonly Identity[], options: StreamOptions = {}): Promise<number> {
  const st = await h.stat();
  const first = new Uint8Array(1);
  const armored = (await readFull(h, first, 0)) === 1 && looksArmored(first);
  if (options.pool !== undefined && st.isFile() && !armored && st.size >= PARALLEL_MIN) {
    return decryptToSinkParallel(h, st.size, sink, identities, options.pool, options);
  }
  return decryptTo(h, sink, identities, options);
}

/** Outputs that accept positional writes: regular files and /dev/null. */
async function seekable(h: FileHandle, path: string): Promise<boolean> {
  return (await h.stat()).isFile() || path === '/dev/null';
}

export async function openInput(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (e) {
    throw fail('E_IO', `cannot open ${path}: ${(e as Error).message}`, { cause: e });
  }
}
