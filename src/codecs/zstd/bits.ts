/**
 * The two bit orders of Zstandard (RFC 8878 §4.1). Table descriptions are
 * read forwards, least significant bit first; entropy-coded streams
 * (Huffman literals, FSE weights, sequences) are read backwards from a
 * padding marker, the highest set bit of their last byte.
 */
import { byteAt } from '../../bytes/at.js';
import { ModelguardError } from '../../errors.js';

/** Forward, LSB-first reader over `b` from byte `pos` (FSE table descriptions). */
export class ForwardBits {
  private readonly b: Uint8Array;
  private readonly base: number;
  /** Bits consumed from the start of `b`. */
  private bit: number;

  constructor(b: Uint8Array, pos: number, base: number) {
    this.b = b;
    this.bit = pos * 8;
    this.base = base;
  }

  /** Next `n` <= 16 bits, without consuming them; bits past the end of `b` throw `E_TRUNCATED`. */
  peek(n: number): number {
    let v = 0;
    let got = 0;
    let at = this.bit;
    while (got < n) {
      const byte = byteAt(this.b, at >>> 3, this.base);
      const off = at & 7;
      const take = Math.min(8 - off, n - got);
      v |= ((byte >>> off) & ((1 << take) - 1)) << got;
      got += take;
      at += take;
    }
    return v;
  }

  skip(n: number): void {
    this.bit += n;
  }

  read(n: number): number {
    const v = this.peek(n);
    this.bit += n;
    return v;
  }

  /** Byte offset after the last bit consumed (a description ends on a byte boundary). */
  get endByte(): number {
    return (this.bit + 7) >>> 3;
  }
}

/**
 * Backward reader over a whole stream `b`. Bits below its start read as
 * zeros (the reference decoder does the same when it looks ahead), but
 * consuming them is `overflowed`: the caller decides whether that ends the
 * stream (FSE weights) or is corruption (sequences, Huffman streams).
 */
export class BackwardBits {
  private readonly b: Uint8Array;
  /** Bits not yet consumed, counted from the start of `b` (negative once overflowed). */
  left: number;

  constructor(b: Uint8Array, base: number, what: string) {
    this.b = b;
    const last = b.length === 0 ? 0 : byteAt(b, b.length - 1, base);
    if (last === 0) throw new ModelguardError('E_MALFORMED', `zstd: ${what} has no end marker`, { offset: base + Math.max(0, b.length - 1) });
    this.left = (b.length - 1) * 8 + (31 - Math.clz32(last));
  }

  get overflowed(): boolean {
    return this.left < 0;
  }

  /** The `n` <= 24 bits below the current position as an integer, zeros below the start. */
  peek(n: number): number {
    if (n === 0) return 0;
    const top = this.left;
    if (top <= 0) return 0;
    if (top < n) return this.range(0, top) << (n - top);
    return this.range(top - n, n);
  }

  /**
   * Bits `[from, from + n)` of `b` (n <= 24), the bit at `from + n - 1` most
   * significant. Callers keep `from + n` within the stream, so the bytes
   * holding them exist; the `?? 0` bytes past the end are masked off.
   */
  private range(from: number, n: number): number {
    const b = this.b;
    const i = from >>> 3;
    const v = (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24);
    return (v >>> (from & 7)) & ((1 << n) - 1);
  }

  consume(n: number): void {
    this.left -= n;
  }

  read(n: number): number {
    const v = this.peek(n);
    this.left -= n;
    return v;
  }

  /** Reads `n` <= 31 bits (offset extra bits). */
  readLong(n: number): number {
    if (n <= 24) return this.read(n);
    const hi = this.read(n - 24);
    return hi * (1 << 24) + this.read(24);
  }
}
