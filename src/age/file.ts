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
import { fail } from './errors.js';
import { atomicWrite, directWrite, isSpecialOutput, readFull } from '../files/fsutil.js';
import { refuseSameFile } from '../files/temp.js';
import { looksArmored } from './armor.js';
import { Decryptor } from './decrypt.js';
import { Encryptor } from './encrypt.js';
import { BLOCK, blocks, handleSink, PARALLEL_MIN, type EncryptResult, type Sink, type Source, type StreamOptions } from './io.js';
import { decryptFileParallel, encryptFileParallel } from './parallel-file.js';
import { decryptToSinkParallel, encryptToPool } from './pool-stream.js';
import type { Identity, Recipient } from './recipient.js';

export { handleSink, streamSink, type EncryptResult, type Sink, type Source, type StreamOptions } from './io.js';

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
  return encryptToPool(src, sink, recipients, pool, options);
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

/** Encrypts the file at `input` to `output` atomically (temp + fsync + rename; no fsync with `durable: false`). */
export async function encryptFile(input: string, output: string, recipients: readonly Recipient[], options: StreamOptions = {}): Promise<EncryptResult> {
  refuseSameFile(input, output);
  const h = await openInput(input);
  try {
    const st = await h.stat();
    const opts = st.size >= PARALLEL_MIN ? options : { ...options, pool: undefined };
    const durable = options.durable !== false;
    const write = (await isSpecialOutput(output)) ? directWrite : atomicWrite;
    return await write(
      output,
      async (out) => {
        if (opts.pool !== undefined && opts.armor !== true && opts.onPlaintext === undefined && opts.fileKey === undefined && (await seekable(out, output))) {
          return encryptFileParallel(h, out, recipients, opts.pool, durable);
        }
        return encryptTo(h, handleSink(out, durable), recipients, opts);
      },
      0o644,
      durable,
    );
  } finally {
    await h.close();
  }
}

/**
 * Decrypts the file at `input` to `output`. The output name appears only
 * after the whole payload authenticated; on any failure nothing is left.
 */
export async function decryptFile(input: string, output: string, identities: readonly Identity[], options: StreamOptions = {}): Promise<number> {
  refuseSameFile(input, output);
  const h = await openInput(input);
  try {
    // A special output (/dev/null, a FIFO) is written in place: like stdout, it cannot be retracted.
    const durable = options.durable !== false;
    const write = (await isSpecialOutput(output)) ? directWrite : atomicWrite;
    return await write(
      output,
      async (out) => {
        const st = await h.stat();
        const first = new Uint8Array(1);
        const binary = (await readFull(h, first, 0)) === 1 && !looksArmored(first);
        if (
          options.pool !== undefined &&
          binary &&
          st.isFile() &&
          st.size >= PARALLEL_MIN &&
          options.onPlaintext === undefined &&
          (await seekable(out, output))
        ) {
          return decryptFileParallel(h, out, identities, options.pool, durable);
        }
        return decryptHandle(h, handleSink(out, durable), identities, options);
      },
      0o644,
      durable,
    );
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
