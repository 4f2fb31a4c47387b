/**
 * A sequential cursor over a `ByteSource` that reads through a small window.
 *
 * Model headers (GGUF metadata, ONNX protobuf messages) are walked front to
 * back but can sit in front of gigabytes of tensor data; this cursor keeps
 * only one window (default 1 MiB) in memory and refills it from the source.
 * Every read is checked against `end` (the real size of the input or of the
 * enclosing message) before anything is read or allocated, and decoding
 * goes through `ByteReader`, the one bounds-checked cursor.
 */
import { ModelguardError } from '../errors.js';
import { ByteReader } from './reader.js';
import type { ByteSource } from './source.js';

const DEFAULT_WINDOW = 1 << 20;

export class WindowCursor {
  readonly src: ByteSource;
  /** Absolute offset one past the last byte this cursor may read. */
  readonly end: number;
  /** Multi-byte integers are little-endian unless this is false. */
  littleEndian = true;
  private readonly windowSize: number;
  private win: ByteReader;
  private winStart: number;

  constructor(src: ByteSource, start = 0, end = src.size, windowSize = DEFAULT_WINDOW) {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > src.size) {
      throw new ModelguardError('E_TRUNCATED', `range ${start}..${end} is outside the input (${src.size} bytes)`, {
        offset: start,
      });
    }
    this.src = src;
    this.end = end;
    this.windowSize = windowSize;
    this.win = new ByteReader(new Uint8Array(0), start);
    this.winStart = start;
  }

  /** Absolute offset of the next byte. */
  get pos(): number {
    return this.winStart + this.win.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws `E_TRUNCATED` unless `n` more bytes exist before `end`. */
  need(n: number, what = 'data'): void {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new ModelguardError('E_MALFORMED', `invalid length ${n} for ${what}`, { offset: this.pos });
    }
    if (n > this.remaining) {
      throw new ModelguardError('E_TRUNCATED', `${what}: needs ${n} bytes at offset ${this.pos}, only ${this.remaining} left`, { offset: this.pos });
    }
  }

  /** Moves to absolute offset `pos` (must lie within the cursor's range). */
  seek(pos: number): void {
    const start = this.winStart;
    if (pos >= start && pos <= start + this.win.length) {
      this.win.seek(pos - start);
      return;
    }
    if (!Number.isSafeInteger(pos) || pos < 0 || pos > this.end) {
      throw new ModelguardError('E_TRUNCATED', `seek to ${pos} outside input`, { offset: this.pos });
    }
    this.win = new ByteReader(new Uint8Array(0), pos);
    this.winStart = pos;
  }

  skip(n: number, what = 'data'): void {
    this.need(n, what);
    this.seek(this.pos + n);
  }

  /** A reader positioned at `pos` holding at least `n` bytes (after `need`). */
  private fill(n: number, what: string): ByteReader {
    this.need(n, what);
    if (this.win.remaining >= n) return this.win;
    const at = this.pos;
    const len = Math.min(Math.max(n, this.windowSize), this.end - at);
    this.win = new ByteReader(this.src.read(at, len), at);
    this.winStart = at;
    return this.win;
  }

  u8(what = 'u8'): number {
    return this.fill(1, what).u8(what);
  }

  u16(what = 'u16'): number {
    const r = this.fill(2, what);
    return this.littleEndian ? r.u16le(what) : r.u16be(what);
  }

  u32(what = 'u32'): number {
    const r = this.fill(4, what);
    return this.littleEndian ? r.u32le(what) : r.u32be(what);
  }

  i32(what = 'i32'): number {
    return this.view(4, what).getInt32(0, this.littleEndian);
  }

  u64(what = 'u64'): bigint {
    return this.view(8, what).getBigUint64(0, this.littleEndian);
  }

  i64(what = 'i64'): bigint {
    return this.view(8, what).getBigInt64(0, this.littleEndian);
  }

  /** A u64 that must fit a JS safe integer; larger values are `E_LIMIT`. */
  u64safe(what = 'u64'): number {
    const at = this.pos;
    const v = this.u64(what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ModelguardError('E_LIMIT', `${what} ${v} at offset ${at} exceeds 2^53`, { offset: at });
    }
    return Number(v);
  }

  /**
   * `n` bytes. Small reads are views into the window; reads larger than the
   * window are read directly (the caller has bounded `n` with its own limit).
   */
  bytes(n: number, what = 'bytes'): Uint8Array {
    return this.fill(n, what).bytesView(n, what);
  }

  /** Unsigned LEB128 varint (protobuf), at most 10 bytes; values above 2^64 are malformed. */
  varint(what = 'varint'): bigint {
    const at = this.pos;
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.u8(what);
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) {
        if (result >= 1n << 64n) break;
        return result;
      }
    }
    throw new ModelguardError('E_MALFORMED', `${what}: invalid varint at offset ${at}`, { offset: at });
  }

  private view(n: number, what: string): DataView {
    const b = this.bytes(n, what);
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
}
