/**
 * The one place decoders put bytes: a growable buffer with a hard ceiling.
 * It never allocates a size a stream declares; it grows by doubling as
 * bytes really arrive and throws `E_LIMIT` on the first byte over `max`
 * (CWE-409: decompression bombs). LZ77 back-references are checked
 * against what was really produced.
 */
import { ModelguardError } from '../errors.js';

/** Output below this size is never judged by its ratio: small files compress well. */
export const RATIO_FLOOR = 1 << 20;

const INITIAL = 64 * 1024;

export class BoundedOutput {
  /** Ceiling in bytes. */
  readonly max: number;
  /** Why the ceiling is what it is, for the limit message. */
  readonly why: string;
  private buf: Uint8Array;
  length = 0;

  constructor(max: number, why: string) {
    this.max = Math.max(0, Math.floor(max));
    this.why = why;
    this.buf = new Uint8Array(Math.min(INITIAL, Math.max(1, this.max)));
  }

  get remaining(): number {
    return this.max - this.length;
  }

  /** Makes room for `n` more bytes or throws `E_LIMIT`. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need > this.max) {
      throw new ModelguardError('E_LIMIT', `output passes ${this.max} bytes (${this.why})`);
    }
    if (need <= this.buf.length) return;
    let size = this.buf.length;
    while (size < need) size *= 2;
    const next = new Uint8Array(Math.min(size, this.max));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    if (this.length === this.buf.length) this.reserve(1);
    this.buf[this.length++] = b;
  }

  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Byte `dist` positions back (1 = the last byte written). */
  back(dist: number): number {
    if (dist < 1 || dist > this.length) {
      throw new ModelguardError('E_MALFORMED', `back-reference distance ${dist} before the start of the output (${this.length} bytes)`);
    }
    return this.buf[this.length - dist] as number;
  }

  /** LZ77 match: copies `len` bytes from `dist` back, overlapping as the format requires. */
  copy(dist: number, len: number): void {
    if (dist < 1 || dist > this.length) {
      throw new ModelguardError('E_MALFORMED', `match distance ${dist} before the start of the output (${this.length} bytes)`);
    }
    this.reserve(len);
    const b = this.buf;
    let src = this.length - dist;
    let dst = this.length;
    if (dist >= len) b.copyWithin(dst, src, src + len);
    else for (const end = dst + len; dst < end;) b[dst++] = b[src++] as number;
    this.length += len;
  }

  /** Drops everything after the first `n` bytes (a stream the reader discards). */
  truncate(n: number): void {
    if (n >= 0 && n < this.length) this.length = n;
  }

  /** Bytes `[from, length)` as a view (no copy). */
  since(from: number): Uint8Array {
    return this.buf.subarray(from, this.length);
  }

  /** Everything written, as a view (no copy). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
