/**
 * Random-access decryption of an age file, without writing plaintext to
 * disk: `openDecryptedSource` returns a `ByteSource` whose reads decrypt
 * (and authenticate) only the 64 KiB chunks they touch.
 *
 * This is the seekable mode the spec describes: the header and MAC are
 * verified at open, and the final chunk is decrypted and checked to be a
 * valid last chunk before any read, so the reported size is authenticated
 * and truncation is detected up front. Every read authenticates the chunks
 * it returns. A small LRU cache keeps recently used chunks.
 *
 * Armored files cannot be seeked; they are decrypted into memory up to
 * `maxArmoredSize` (default 256 MiB) and served from there.
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ByteSource } from '../bytes/source.js';
import { inBounds } from '../bytes/reader.js';
import { fail, AgeError } from './errors.js';
import { looksArmored } from './armor.js';
import { decryptBytes, unwrapHeader } from './decrypt.js';
import { findHeaderEnd, MAX_HEADER_SIZE, parseHeader } from './format.js';
import type { Identity } from './recipient.js';
import { CHUNK_SIZE, ENC_CHUNK_SIZE, openChunk, openFinal, PAYLOAD_NONCE_SIZE, payloadKey, plaintextSize } from './stream.js';
import { BufferSource } from '../bytes/source.js';

export interface DecryptedSourceOptions {
  /** Chunks kept decrypted in memory (64 KiB each). Default 32 (2 MiB). */
  readonly cacheChunks?: number;
  /** Largest armored file decrypted into memory. Default 256 MiB. */
  readonly maxArmoredSize?: number;
}

function preadFull(fd: number, buf: Uint8Array, pos: number): number {
  let done = 0;
  while (done < buf.length) {
    const n = readSync(fd, buf, done, buf.length - done, pos + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** A decrypting, seekable view of a binary age file. */
export class AgeFileSource implements ByteSource {
  readonly size: number;
  private fd: number | undefined;
  private readonly key: KeyObject;
  private readonly payloadStart: number;
  private readonly chunks: number;
  private readonly cache = new Map<number, Uint8Array>();
  private readonly cacheMax: number;

  /** Opens and verifies header, MAC and final chunk. Prefer `openDecryptedSource`. */
  constructor(fd: number, fileSize: number, identities: readonly Identity[], cacheChunks = 32) {
    this.fd = fd;
    this.cacheMax = Math.max(1, cacheChunks);
    const head = new Uint8Array(Math.min(fileSize, MAX_HEADER_SIZE + PAYLOAD_NONCE_SIZE + 1));
    const got = preadFull(fd, head, 0);
    const end = findHeaderEnd(head.subarray(0, got));
    if (end === undefined) throw fail('E_AGE_HEADER', 'input ends inside the header');
    const header = parseHeader(head.subarray(0, end));
    const fileKey = unwrapHeader(header, identities);
    if (got < end + PAYLOAD_NONCE_SIZE) throw fail('E_AGE_HEADER', 'input ends before the payload nonce');
    this.key = createSecretKey(payloadKey(fileKey, head.subarray(end, end + PAYLOAD_NONCE_SIZE)));
    this.payloadStart = end + PAYLOAD_NONCE_SIZE;
    const encLen = fileSize - this.payloadStart;
    const size = plaintextSize(encLen);
    if (size === undefined) throw fail('E_AGE_PAYLOAD', `payload length ${encLen} is not a valid STREAM length (truncated?)`);
    this.size = size;
    this.chunks = Math.max(1, Math.ceil(encLen / ENC_CHUNK_SIZE));
    // Seeking requires verifying the final chunk first (spec, "Payload").
    this.chunk(this.chunks - 1);
  }

  read(offset: number, length: number): Uint8Array {
    if (!inBounds(offset, length, this.size)) {
      throw new AgeError('E_TRUNCATED', `range ${offset}+${length} is outside the input (${this.size} bytes)`, { offset });
    }
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const pos = offset + done;
      const idx = Math.floor(pos / CHUNK_SIZE);
      const pt = this.chunk(idx);
      const from = pos - idx * CHUNK_SIZE;
      const n = Math.min(pt.length - from, length - done);
      out.set(pt.subarray(from, from + n), done);
      done += n;
    }
    return out;
  }

  close(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
    this.cache.clear();
  }

  private chunk(idx: number): Uint8Array {
    const hit = this.cache.get(idx);
    if (hit !== undefined) {
      this.cache.delete(idx);
      this.cache.set(idx, hit);
      return hit;
    }
    if (this.fd === undefined) throw fail('E_IO', 'source is closed');
    const start = this.payloadStart + idx * ENC_CHUNK_SIZE;
    const last = idx === this.chunks - 1;
    const sealed = new Uint8Array(last ? this.payloadStart + this.encLength() - start : ENC_CHUNK_SIZE);
    if (preadFull(this.fd, sealed, start) !== sealed.length) throw fail('E_AGE_PAYLOAD', 'file shrank while reading');
    const pt = last ? openFinal(this.key, idx, sealed) : openChunk(this.key, idx, false, sealed);
    if (pt === undefined) throw fail('E_AGE_PAYLOAD', `chunk ${idx} failed to authenticate`);
    this.cache.set(idx, pt);
    const oldest = this.cache.keys().next();
    if (this.cache.size > this.cacheMax && oldest.done !== true) this.cache.delete(oldest.value);
    return pt;
  }

  private encLength(): number {
    return this.size + this.chunks * 16;
  }
}

export { looksLikeAge } from './magic.js';

/**
 * Opens an age file (binary or armored) at `path` for random-access reads
 * of its plaintext, for scanners and converters. Throws the same codes as
 * decryption (`E_AGE_NO_IDENTITY`, `E_AGE_MAC`, `E_AGE_PAYLOAD`, ...). The
 * caller must `close()` the source.
 */
export function openDecryptedSource(path: string | Buffer, identities: readonly Identity[], options: DecryptedSourceOptions = {}): ByteSource {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw fail('E_IO', `cannot open ${path.toString()}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw fail('E_IO', `${path.toString()} is not a regular file`);
    const first = new Uint8Array(1);
    if (preadFull(fd, first, 0) === 1 && looksArmored(first)) {
      const max = options.maxArmoredSize ?? 256 * 1024 * 1024;
      if (st.size > max) throw fail('E_AGE_UNSUPPORTED', `armored file larger than ${max} bytes cannot be opened for random access`);
      const all = new Uint8Array(st.size);
      preadFull(fd, all, 0);
      closeSync(fd);
      return new BufferSource(decryptBytes(all, identities));
    }
    return new AgeFileSource(fd, st.size, identities, options.cacheChunks);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    throw e;
  }
}
