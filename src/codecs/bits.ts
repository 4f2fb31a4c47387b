/**
 * Bit readers over an input already in memory, for the codecs node:zlib
 * does not have. Reading past the end throws `E_TRUNCATED` with the byte
 * offset; nothing clamps.
 */
import { ModelguardError } from '../errors.js';

/** Most-significant-bit-first reader (bzip2). */
export class MsbBitReader {
  readonly bytes: Uint8Array;
  /** Next byte to load. */
  pos: number;
  private acc = 0;
  private count = 0;

  constructor(bytes: Uint8Array, pos = 0) {
    this.bytes = bytes;
    this.pos = pos;
  }

  /** Reads `n` <= 24 bits. */
  bits(n: number): number {
    while (this.count < n) {
      const b = this.bytes[this.pos];
      if (b === undefined) throw new ModelguardError('E_TRUNCATED', `compressed data ends at byte ${this.pos}`, { offset: this.pos });
      this.pos++;
      this.acc = ((this.acc << 8) | b) >>> 0;
      this.count += 8;
    }
    this.count -= n;
    return (this.acc >>> this.count) & ((1 << n) - 1);
  }

  bit(): number {
    return this.bits(1);
  }

  /** Drops the bits left in the current byte; returns the next byte offset. */
  alignToByte(): number {
    this.count = 0;
    this.acc = 0;
    return this.pos;
  }

  /** Byte offset of the next unread bit (for messages). */
  get offset(): number {
    return this.pos - Math.floor(this.count / 8);
  }
}
