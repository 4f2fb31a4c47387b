/**
 * Bounds-checked FlatBuffer tables over bytes in memory (Arrow message
 * metadata, at most a few MiB): every offset followed is checked against
 * the buffer before it is read, through the project's `ByteReader`.
 * Little-endian; uoffsets are relative to where they are stored, vtable
 * offsets are signed and relative to the table.
 */
import { ByteReader } from '../../bytes/reader.js';
import { ModelguardError } from '../../errors.js';

export interface Table {
  at: number;
  vt: number;
  vtSize: number;
}

export class FlatBuffer {
  private readonly r: ByteReader;
  readonly length: number;
  constructor(bytes: Uint8Array, base: number) {
    this.r = new ByteReader(bytes, base);
    this.length = bytes.length;
  }
  private seek(at: number, n: number, what: string): ByteReader {
    if (!Number.isSafeInteger(at) || at < 0 || at + n > this.length) {
      throw new ModelguardError('E_MALFORMED', `flatbuffer ${what} at ${at} lies outside its ${this.length}-byte buffer`);
    }
    this.r.seek(at);
    return this.r;
  }
  u8(at: number, what: string): number {
    return this.seek(at, 1, what).u8(what);
  }
  i16(at: number, what: string): number {
    return (this.seek(at, 2, what).u16le(what) << 16) >> 16;
  }
  u32(at: number, what: string): number {
    return this.seek(at, 4, what).u32le(what);
  }
  i64(at: number, what: string): number {
    const v = this.seek(at, 8, what).i64le(what);
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ModelguardError('E_MALFORMED', `flatbuffer ${what}: ${v} is not a size`);
    return Number(v);
  }
  /** The table whose uoffset is stored at `pos` (the root at 0). */
  table(pos: number, what: string): Table {
    const at = pos + this.u32(pos, what);
    const vt = at - this.seek(at, 4, what).i32le(what);
    const vtSize = this.seek(vt, 2, `${what} vtable`).u16le(what);
    if (vtSize < 4 || vtSize % 2 !== 0 || vt + vtSize > this.length)
      throw new ModelguardError('E_MALFORMED', `flatbuffer ${what}: vtable of ${vtSize} bytes at ${vt}`);
    return { at, vt, vtSize };
  }
  /** Position of field `i`, or undefined when absent. */
  field(t: Table, i: number): number | undefined {
    if (4 + 2 * i >= t.vtSize) return undefined;
    const o = this.seek(t.vt + 4 + 2 * i, 2, 'field').u16le('field');
    return o === 0 ? undefined : t.at + o;
  }
  /** The vector an offset field at `pos` points at: start of the elements and their count. */
  vector(pos: number, elem: number, what: string): { at: number; len: number } {
    const v = pos + this.u32(pos, what);
    const len = this.u32(v, `${what} length`);
    if (v + 4 + len * elem > this.length) throw new ModelguardError('E_MALFORMED', `flatbuffer ${what}: ${len} elements run past the buffer`);
    return { at: v + 4, len };
  }
  bytes(pos: number, what: string): Uint8Array {
    const v = this.vector(pos, 1, what);
    return this.seek(v.at, v.len, what).bytesView(v.len, what);
  }
  string(pos: number, what: string): string {
    return new TextDecoder().decode(this.bytes(pos, what));
  }
}
