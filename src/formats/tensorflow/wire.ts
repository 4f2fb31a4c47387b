/**
 * The protobuf wire format, read lazily from a `ByteSource`.
 *
 * TensorFlow files are protobuf messages of up to 2 GB whose bulk is
 * tensor contents nobody needs to read to judge the graph. This reader
 * walks fields by their headers and hands out (offset, length) spans:
 * a caller descends into the messages it cares about and skips the rest
 * without reading it. Every length is checked against the enclosing
 * message before use (a span never leaves its parent), field numbers and
 * wire types are validated, and groups (deprecated, but the C++ parser
 * skips unknown ones) are skipped with a nesting bound.
 *
 * Hand-written rather than generated: no schema compiler, no code
 * generation at run time, and the one bounds-checked cursor for varints.
 */
import { ByteReader } from '../../bytes/reader.js';
import type { ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_SGROUP = 3;
export const WIRE_EGROUP = 4;
export const WIRE_I32 = 5;

/** Nested groups skipped (the C++ parser's default recursion limit is 100; CWE-674). */
const MAX_GROUP_DEPTH = 100;

export interface Field {
  no: number;
  wire: number;
  /** Absolute offset of the field's payload (after the tag, and after the length for LEN). */
  at: number;
  /** Payload length in bytes (LEN), or bytes of the varint/fixed value. */
  length: number;
  /** The value of a VARINT field. */
  varint: bigint;
}

/** Caches windows of a source: field headers are tiny reads close together. */
export class WindowedSource {
  readonly src: ByteSource;
  private base = -1;
  private win: Uint8Array = new Uint8Array(0);
  private static readonly WINDOW = 64 * 1024;
  constructor(src: ByteSource) {
    this.src = src;
  }
  get size(): number {
    return this.src.size;
  }
  /** Exactly `len` bytes at `offset` (must lie inside the source). */
  read(offset: number, len: number): Uint8Array {
    if (this.base >= 0 && offset >= this.base && offset + len <= this.base + this.win.length) {
      return this.win.subarray(offset - this.base, offset - this.base + len);
    }
    if (len > WindowedSource.WINDOW) return this.src.read(offset, len);
    const n = Math.min(WindowedSource.WINDOW, this.src.size - offset);
    this.win = this.src.read(offset, Math.max(n, len));
    this.base = offset;
    return this.win.subarray(0, len);
  }
}

/** Reads a varint at `pos` (before `end`); returns the value and its byte length. */
export function readVarint(src: WindowedSource, pos: number, end: number, what: string): { value: bigint; length: number } {
  const avail = Math.min(10, end - pos);
  if (avail <= 0) throw new ModelguardError('E_TRUNCATED', `${what}: varint at offset ${pos} runs past its message`, { offset: pos });
  const r = new ByteReader(src.read(pos, avail), pos);
  let v = 0n;
  for (let i = 0; ; i++) {
    const b = r.u8(what);
    if (i === 9 && b > 1) throw new ModelguardError('E_MALFORMED', `${what}: varint at offset ${pos} exceeds 64 bits`, { offset: pos });
    v |= BigInt(b & 0x7f) << BigInt(7 * i);
    if ((b & 0x80) === 0) return { value: v, length: i + 1 };
  }
}

/** A length or count that must fit a safe integer. */
export function toSafe(v: bigint, what: string, offset: number): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ModelguardError('E_MALFORMED', `${what}: ${v} at offset ${offset} is too large`, { offset });
  return Number(v);
}

/**
 * The fields of the message spanning `[start, end)`, in order. Throws
 * `E_TRUNCATED`/`E_MALFORMED` at the first field that breaks the format.
 */
export function* fields(src: WindowedSource, start: number, end: number, what: string): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const tagAt = pos;
    const tag = readVarint(src, pos, end, what);
    pos += tag.length;
    const no = toSafe(tag.value >> 3n, what, tagAt);
    const wire = Number(tag.value & 7n);
    if (no === 0 || no > 0x1fffffff) throw new ModelguardError('E_MALFORMED', `${what}: field number ${no} at offset ${tagAt}`, { offset: tagAt });
    switch (wire) {
      case WIRE_VARINT: {
        const v = readVarint(src, pos, end, what);
        yield { no, wire, at: pos, length: v.length, varint: v.value };
        pos += v.length;
        break;
      }
      case WIRE_I64:
      case WIRE_I32: {
        const n = wire === WIRE_I64 ? 8 : 4;
        if (n > end - pos) throw new ModelguardError('E_TRUNCATED', `${what}: fixed field at offset ${pos} runs past its message`, { offset: pos });
        yield { no, wire, at: pos, length: n, varint: 0n };
        pos += n;
        break;
      }
      case WIRE_LEN: {
        const l = readVarint(src, pos, end, what);
        pos += l.length;
        const len = toSafe(l.value, `${what} length`, pos);
        if (len > end - pos) {
          throw new ModelguardError('E_TRUNCATED', `${what}: field ${no} at offset ${tagAt} declares ${len} bytes, only ${end - pos} left in its message`, {
            offset: tagAt,
          });
        }
        yield { no, wire, at: pos, length: len, varint: 0n };
        pos += len;
        break;
      }
      case WIRE_SGROUP:
        pos = skipGroup(src, pos, end, no, what, 1);
        break;
      default:
        throw new ModelguardError('E_MALFORMED', `${what}: wire type ${wire} at offset ${tagAt}`, { offset: tagAt });
    }
  }
}

/** Skips a group's fields up to its end tag; returns the position after it. */
function skipGroup(src: WindowedSource, start: number, end: number, no: number, what: string, depth: number): number {
  if (depth > MAX_GROUP_DEPTH) throw new ModelguardError('E_LIMIT', `${what}: groups nested deeper than ${MAX_GROUP_DEPTH}`, { offset: start });
  let pos = start;
  for (;;) {
    const tagAt = pos;
    const tag = readVarint(src, pos, end, what);
    pos += tag.length;
    const fno = Number(tag.value >> 3n);
    const wire = Number(tag.value & 7n);
    if (wire === WIRE_EGROUP) {
      if (fno !== no) throw new ModelguardError('E_MALFORMED', `${what}: group ${no} closed as ${fno} at offset ${tagAt}`, { offset: tagAt });
      return pos;
    }
    if (wire === WIRE_SGROUP) {
      pos = skipGroup(src, pos, end, fno, what, depth + 1);
      continue;
    }
    // Reuse the field walker for one field: a span that starts at this tag.
    const it = fields(src, tagAt, end, what).next();
    if (it.done === true) throw new ModelguardError('E_TRUNCATED', `${what}: unterminated group ${no}`, { offset: start });
    pos = it.value.at + it.value.length;
  }
}

/** A LEN field's bytes (callers bound `length` first). */
export function bytesOf(src: WindowedSource, f: Field): Uint8Array {
  return src.read(f.at, f.length);
}

const utf8 = new TextDecoder('utf-8');

/** A string field, decoded with replacement (names are compared to ASCII tables). */
export function stringOf(src: WindowedSource, f: Field, max = 4096): string {
  return utf8.decode(src.read(f.at, Math.min(f.length, max)));
}
