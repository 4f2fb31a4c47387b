/**
 * The one place decoders put bytes: a growable buffer with a hard ceiling.
 * It never allocates a size a stream declares; it grows by doubling as
 * bytes really arrive and throws `E_LIMIT` on the first byte over `max`
 * (CWE-409: decompression bombs). LZ77 back-references are checked
 * against what was really produced.
 *
 * Memory stays bounded whatever the ceiling: past `spillAt` bytes the
 * oldest output goes to an unnamed scratch file (created 0600 in the
 * temporary folder and unlinked at once, so nothing is left behind even
 * after `kill -9`) and only the last `window` bytes stay in memory for
 * back-references (CWE-400). A reference further back reads the file.
 * Checksums are computed over the output with `feed`; the finished output
 * is read through `source()`, from memory or from the scratch file.
 */
import { closeSync, ftruncateSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ByteSource } from '../bytes/source.js';
import { BufferSource } from '../bytes/source.js';
import { ModelguardError } from '../errors.js';
import { createTempSync, forgetTemp } from '../files/temp.js';

/** Output below this size is never judged by its ratio: small files compress well. */
export const RATIO_FLOOR = 1 << 20;

const INITIAL = 64 * 1024;

/** Output held in memory before the oldest part is moved to a scratch file (CWE-400: bombs within the budget). */
export const SPILL_AT = 64 * 1024 * 1024;
/** Output kept in memory once spilling: LZMA dictionaries up to xz -8 (xz -9's 64 MiB reads further matches from disk), deflate's 32 KiB many times over. */
export const SPILL_WINDOW = 32 * 1024 * 1024;

/** Chunk size when reading the scratch file back. */
const READ_CHUNK = 1 << 20;

export interface SpillOptions {
  /** Bytes kept in memory before spilling (default `SPILL_AT`). */
  spillAt?: number;
  /** Bytes kept in memory after a spill (default `SPILL_WINDOW`). */
  window?: number;
}

/** A read-only view of a scratch file holding the whole output. */
class ScratchSource implements ByteSource {
  readonly size: number;
  private readonly fd: number;
  constructor(fd: number, size: number) {
    this.fd = fd;
    this.size = size;
  }
  read(offset: number, length: number): Uint8Array {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.size) {
      throw new ModelguardError('E_TRUNCATED', `range ${offset}+${length} is outside the decoded output (${this.size} bytes)`, { offset });
    }
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, out, done, length - done, offset + done);
      if (n === 0) throw new ModelguardError('E_IO', 'scratch file ended early');
      done += n;
    }
    return out;
  }
  close(): void {
    // the owning BoundedOutput closes the descriptor
  }
}

export class BoundedOutput {
  /** Ceiling in bytes. */
  readonly max: number;
  /** Why the ceiling is what it is, for the limit message. */
  readonly why: string;
  private buf: Uint8Array;
  /** Logical offset of `buf[0]`: bytes before it are in the scratch file. */
  private base = 0;
  /** Total bytes produced (logical). */
  length = 0;
  private fd: number | undefined;
  private readonly spillAt: number;
  private readonly window: number;

  constructor(max: number, why: string, spill: SpillOptions = {}) {
    this.max = Math.max(0, Math.floor(max));
    this.why = why;
    this.spillAt = Math.max(INITIAL, spill.spillAt ?? SPILL_AT);
    this.window = Math.min(this.spillAt - 1, Math.max(1, spill.window ?? SPILL_WINDOW));
    this.buf = new Uint8Array(Math.min(INITIAL, Math.max(1, this.max)));
  }

  get remaining(): number {
    return this.max - this.length;
  }

  /** Whether part of the output lives in the scratch file. */
  get spilled(): boolean {
    return this.fd !== undefined;
  }

  /** Makes room for `n` more bytes or throws `E_LIMIT`. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need > this.max) {
      throw new ModelguardError('E_LIMIT', `output passes ${this.max} bytes (${this.why})`);
    }
    let inMem = need - this.base;
    if (inMem <= this.buf.length) return;
    if (inMem > this.spillAt && this.length - this.base > this.window) {
      this.spill();
      inMem = need - this.base;
      if (inMem <= this.buf.length) return;
    }
    let size = this.buf.length;
    while (size < inMem) size *= 2;
    // Never past the spill threshold unless one append needs more.
    const next = new Uint8Array(Math.max(inMem, Math.min(size, this.spillAt, this.max - this.base)));
    next.set(this.buf.subarray(0, this.length - this.base));
    this.buf = next;
  }

  /** Moves all but the last `window` bytes to the scratch file. */
  private spill(): void {
    if (this.fd === undefined) {
      const t = createTempSync(join(tmpdir(), 'modelguard-inflate'), true);
      this.fd = t.fd;
      // Unnamed from now on: the bytes vanish with the descriptor, whatever happens to the process.
      unlinkSync(t.path);
      forgetTemp(t.path);
    }
    const keepFrom = this.length - this.window; // logical
    const out = this.buf.subarray(0, keepFrom - this.base);
    for (let done = 0; done < out.length;) done += writeSync(this.fd, out, done, out.length - done, this.base + done);
    this.buf.copyWithin(0, keepFrom - this.base, this.length - this.base);
    this.base = keepFrom;
  }

  byte(b: number): void {
    if (this.length - this.base === this.buf.length) this.reserve(1);
    this.buf[this.length++ - this.base] = b;
  }

  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length - this.base);
    this.length += bytes.length;
  }

  /** The byte at logical position `pos` (from memory, or the scratch file). */
  private at(pos: number): number {
    if (pos >= this.base) return this.buf[pos - this.base] as number;
    const one = new Uint8Array(1);
    readSync(this.fd as number, one, 0, 1, pos);
    return one[0] as number;
  }

  /** Byte `dist` positions back (1 = the last byte written). */
  back(dist: number): number {
    if (dist < 1 || dist > this.length) {
      throw new ModelguardError('E_MALFORMED', `back-reference distance ${dist} before the start of the output (${this.length} bytes)`);
    }
    return this.at(this.length - dist);
  }

  /** LZ77 match: copies `len` bytes from `dist` back, overlapping as the format requires. */
  copy(dist: number, len: number): void {
    if (dist < 1 || dist > this.length) {
      throw new ModelguardError('E_MALFORMED', `match distance ${dist} before the start of the output (${this.length} bytes)`);
    }
    this.reserve(len);
    if (this.length - dist < this.base) {
      // Further back than the window (rare: a dictionary larger than SPILL_WINDOW): byte by byte through the file.
      for (let i = 0; i < len; i++) {
        const b = this.at(this.length - dist);
        this.buf[this.length++ - this.base] = b;
      }
      return;
    }
    const b = this.buf;
    const src = this.length - dist - this.base;
    let dst = this.length - this.base;
    if (dist >= len) b.copyWithin(dst, src, src + len);
    else {
      // Overlapping: the pattern of period `dist` doubles with each copy (a run of zeros costs log(len) copies).
      const end = dst + len;
      while (dst < end) {
        const n = Math.min(dst - src, end - dst);
        b.copyWithin(dst, src, src + n);
        dst += n;
      }
    }
    this.length += len;
  }

  /** Drops everything after the first `n` bytes (a stream the reader discards). */
  truncate(n: number): void {
    if (n < 0 || n >= this.length) return;
    if (n < this.base) {
      // The kept part starts inside the scratch file: cut the file there and read nothing back (back() reads it).
      ftruncateSync(this.fd as number, n);
      this.base = n;
    }
    this.length = n;
  }

  /** Bytes `[from, length)` as a view (no copy); only while they are in memory (see `feed`). */
  since(from: number): Uint8Array {
    if (from < this.base) throw new ModelguardError('E_LIMIT', `output from ${from} was moved out of memory; read it with feed()`);
    return this.buf.subarray(from - this.base, this.length - this.base);
  }

  /** Hands `[from, length)` to `fn` in order, in chunks (from the scratch file, then memory). */
  feed(from: number, fn: (chunk: Uint8Array) => void): void {
    let pos = Math.max(0, from);
    if (pos < this.base) {
      const chunk = new Uint8Array(Math.min(READ_CHUNK, this.base - pos));
      while (pos < this.base) {
        const n = Math.min(chunk.length, this.base - pos);
        const got = readSync(this.fd as number, chunk, 0, n, pos);
        if (got === 0) throw new ModelguardError('E_IO', 'scratch file ended early');
        fn(chunk.subarray(0, got));
        pos += got;
      }
    }
    if (pos < this.length) fn(this.buf.subarray(pos - this.base, this.length - this.base));
  }

  /** Everything written, as a view (no copy); only when nothing was spilled (see `source`). */
  bytes(): Uint8Array {
    return this.since(0);
  }

  /**
   * Everything written as a source: a view of memory, or the scratch file
   * once spilled (the rest is flushed to it). Valid until `close`.
   */
  source(): ByteSource {
    if (this.fd === undefined) return new BufferSource(this.bytes());
    const rest = this.buf.subarray(0, this.length - this.base);
    for (let done = 0; done < rest.length;) done += writeSync(this.fd, rest, done, rest.length - done, this.base + done);
    ftruncateSync(this.fd, this.length);
    this.base = this.length;
    this.buf = new Uint8Array(1);
    return new ScratchSource(this.fd, this.length);
  }

  /** Releases the scratch file (idempotent). */
  close(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}
