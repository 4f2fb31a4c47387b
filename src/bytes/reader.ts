/**
 * The one bounds-checked cursor for untrusted bytes.
 *
 * Every read checks `n <= remaining` before touching memory and throws
 * `E_TRUNCATED` with the absolute offset otherwise. `Uint8Array.subarray`
 * and `DataView` reads clamp or throw RangeError silently; parsers must go
 * through this class instead (STYLE: "one bounds-checked cursor").
 */
import { ModelguardError } from '../errors.js';
import { byteAt, u16leAt, u32leAt } from './at.js';

export class ByteReader {
  readonly bytes: Uint8Array;
  /** Absolute offset of `bytes[0]` in the underlying input, for messages. */
  readonly base: number;
  private dv: DataView | undefined;
  pos = 0;

  constructor(bytes: Uint8Array, base = 0) {
    this.bytes = bytes;
    this.base = base;
  }

  /** Created on first use: most readers only need integers, read byte by byte. */
  private get view(): DataView {
    this.dv ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    return this.dv;
  }

  get length(): number {
    return this.bytes.length;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** Absolute offset of the cursor in the underlying input. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Throws `E_TRUNCATED` unless `n` more bytes are available. */
  need(n: number, what = 'data'): void {
    if (n <= this.bytes.length - this.pos && n >= 0 && Number.isSafeInteger(n)) return;
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new ModelguardError('E_MALFORMED', `invalid length ${n} for ${what}`, { offset: this.offset });
    }
    if (n > this.remaining) {
      throw new ModelguardError('E_TRUNCATED', `${what}: needs ${n} bytes at offset ${this.offset}, only ${this.remaining} left`, { offset: this.offset });
    }
  }

  seek(pos: number): void {
    if (!Number.isSafeInteger(pos) || pos < 0 || pos > this.bytes.length) {
      throw new ModelguardError('E_TRUNCATED', `seek to ${this.base + pos} outside input`, { offset: this.offset });
    }
    this.pos = pos;
  }

  skip(n: number, what = 'data'): void {
    this.need(n, what);
    this.pos += n;
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return byteAt(this.bytes, this.pos++, this.base);
  }

  u16le(what = 'u16'): number {
    this.need(2, what);
    const p = this.pos;
    this.pos += 2;
    return u16leAt(this.bytes, p, this.base);
  }

  u32le(what = 'u32'): number {
    this.need(4, what);
    const p = this.pos;
    this.pos += 4;
    return u32leAt(this.bytes, p, this.base);
  }

  i32le(what = 'i32'): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u64le(what = 'u64'): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  i64le(what = 'i64'): bigint {
    this.need(8, what);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A u64 that must fit a JS safe integer (sizes, counts, offsets). */
  u64safe(what = 'u64'): number {
    const at = this.offset;
    this.need(8, what);
    const lo = this.u32le(what);
    const hi = this.u32le(what);
    if (hi >= 0x200000) {
      throw new ModelguardError('E_LIMIT', `${what} ${hi}*2^32+${lo} at offset ${at} exceeds 2^53`, { offset: at });
    }
    return hi * 0x100000000 + lo;
  }

  f32le(what = 'f32'): number {
    this.need(4, what);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64le(what = 'f64'): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  f64be(what = 'f64'): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos, false);
    this.pos += 8;
    return v;
  }

  u16be(what = 'u16'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, false);
    this.pos += 2;
    return v;
  }

  u32be(what = 'u32'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, false);
    this.pos += 4;
    return v;
  }

  /** `n` bytes as a view (no copy) after checking they exist. */
  bytesView(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /**
   * Bytes up to and excluding the next `\n`, which is consumed.
   * Throws `E_TRUNCATED` if no newline occurs within `maxLen` bytes.
   */
  line(maxLen: number, what = 'line'): Uint8Array {
    const end = Math.min(this.bytes.length, this.pos + maxLen + 1);
    const nl = this.bytes.indexOf(0x0a, this.pos);
    if (nl < 0 || nl >= end) {
      const code = nl < 0 && end === this.bytes.length ? 'E_TRUNCATED' : 'E_LIMIT';
      throw new ModelguardError(code, `${what}: no newline within ${maxLen} bytes at offset ${this.offset}`, {
        offset: this.offset,
      });
    }
    const out = this.bytes.subarray(this.pos, nl);
    this.pos = nl + 1;
    return out;
  }

  peekU8(at = 0): number | undefined {
    return this.bytes[this.pos + at];
  }
}

/** Checks that `[offset, offset + length)` lies inside `size`, without overflow. */
export function inBounds(offset: number, length: number, size: number): boolean {
  return Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0 && offset <= size && length <= size - offset;
}
