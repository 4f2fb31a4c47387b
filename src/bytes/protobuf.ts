/**
 * The protobuf wire format, walked lazily through a `WindowCursor`: the one
 * reader for every protobuf the project reads (TensorFlow graphs and
 * SavedModels, ONNX models, SentencePiece tokenizers).
 *
 * Those files are messages of up to 2 GB whose bulk is tensor contents
 * nobody needs to read to judge them. The walker yields each field's header
 * with an (offset, length) span: a caller descends into the messages it
 * cares about and skips the rest unread. Every length is checked against
 * the enclosing message before use (a span never leaves its parent), field
 * numbers and wire types are validated, and groups (deprecated; the C++
 * parser skips unknown ones) are skipped with a nesting bound or refused,
 * as the caller's format requires.
 *
 * Hand-written rather than generated: no schema compiler, no code
 * generation at run time (https://protobuf.dev/programming-guides/encoding/).
 */
import { ModelguardError } from '../errors.js';
import { ByteReader } from './reader.js';
import type { ByteSource } from './source.js';
import { WindowCursor } from './window.js';

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_SGROUP = 3;
export const WIRE_EGROUP = 4;
export const WIRE_I32 = 5;

/** Nested groups skipped (the C++ parser's default recursion limit is 100; CWE-674). */
const MAX_GROUP_DEPTH = 100;

export interface WireField {
  /** Field number. */
  no: number;
  wire: number;
  /** Absolute offset of the field's payload (after the tag, and after the length for LEN). */
  at: number;
  /** Payload length in bytes (LEN), or bytes of the varint/fixed value. */
  length: number;
  /** The value of a VARINT field (0 for other wire types). */
  varint: bigint;
}

export interface WireOptions {
  /**
   * `skip`: groups are stepped over, as the C++ parser does with unknown
   * fields (TensorFlow). `reject`: a group is `E_MALFORMED` (formats whose
   * schema has none, where one can only be a trick).
   */
  groups: 'skip' | 'reject';
}

const SKIP_GROUPS: WireOptions = { groups: 'skip' };

/** Reads the varint at `pos`, which must end before `end`; returns its value and byte length. */
export function wireVarint(cur: WindowCursor, pos: number, end: number, what: string): { value: bigint; length: number } {
  const avail = Math.min(10, end - pos);
  if (avail <= 0) throw new ModelguardError('E_TRUNCATED', `${what}: varint at offset ${pos} runs past its message`, { offset: pos });
  cur.seek(pos);
  const r = new ByteReader(cur.bytes(avail, what), pos);
  let v = 0n;
  for (let i = 0; ; i++) {
    const b = r.u8(what);
    if (i === 9 && b > 1) throw new ModelguardError('E_MALFORMED', `${what}: varint at offset ${pos} exceeds 64 bits`, { offset: pos });
    v |= BigInt(b & 0x7f) << BigInt(7 * i);
    if ((b & 0x80) === 0) {
      cur.seek(pos + i + 1);
      return { value: v, length: i + 1 };
    }
  }
}

/** A length or count that must fit a safe integer. */
export function wireSafe(v: bigint, what: string, offset: number): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ModelguardError('E_MALFORMED', `${what}: ${v} at offset ${offset} is too large`, { offset });
  return Number(v);
}

/**
 * The fields of the message spanning `[start, end)`, in order. Throws
 * `E_TRUNCATED`/`E_MALFORMED` at the first field that breaks the format.
 */
export function* wireFields(cur: WindowCursor, start: number, end: number, what: string, options: WireOptions = SKIP_GROUPS): Generator<WireField> {
  let pos = start;
  while (pos < end) {
    const tagAt = pos;
    const tag = wireVarint(cur, pos, end, what);
    pos += tag.length;
    const no = wireSafe(tag.value >> 3n, what, tagAt);
    const wire = Number(tag.value & 7n);
    if (no === 0 || no > 0x1fffffff) throw new ModelguardError('E_MALFORMED', `${what}: field number ${no} at offset ${tagAt}`, { offset: tagAt });
    switch (wire) {
      case WIRE_VARINT: {
        const v = wireVarint(cur, pos, end, what);
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
        const l = wireVarint(cur, pos, end, what);
        pos += l.length;
        const len = wireSafe(l.value, `${what} length`, pos);
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
        if (options.groups === 'reject') throw new ModelguardError('E_MALFORMED', `${what}: group field ${no} at offset ${tagAt}`, { offset: tagAt });
        pos = skipGroup(cur, pos, end, no, what, 1);
        break;
      default:
        throw new ModelguardError('E_MALFORMED', `${what}: wire type ${wire} at offset ${tagAt}`, { offset: tagAt });
    }
  }
}

/** Skips a group's fields up to its end tag; returns the position after it. */
function skipGroup(cur: WindowCursor, start: number, end: number, no: number, what: string, depth: number): number {
  if (depth > MAX_GROUP_DEPTH) throw new ModelguardError('E_LIMIT', `${what}: groups nested deeper than ${MAX_GROUP_DEPTH}`, { offset: start });
  let pos = start;
  for (;;) {
    const tagAt = pos;
    const tag = wireVarint(cur, pos, end, what);
    pos += tag.length;
    const fno = Number(tag.value >> 3n);
    const wire = Number(tag.value & 7n);
    if (wire === WIRE_EGROUP) {
      if (fno !== no) throw new ModelguardError('E_MALFORMED', `${what}: group ${no} closed as ${fno} at offset ${tagAt}`, { offset: tagAt });
      return pos;
    }
    if (wire === WIRE_SGROUP) {
      pos = skipGroup(cur, pos, end, fno, what, depth + 1);
      continue;
    }
    // Reuse the field walker for one field: a span that starts at this tag.
    const it = wireFields(cur, tagAt, end, what).next();
    if (it.done === true) throw new ModelguardError('E_TRUNCATED', `${what}: unterminated group ${no}`, { offset: start });
    pos = it.value.at + it.value.length;
  }
}

/** A LEN field's bytes, copied out of the cursor's window (callers bound `length` first). */
export function wireBytes(cur: WindowCursor, f: WireField): Uint8Array {
  cur.seek(f.at);
  return cur.bytes(f.length, `field ${f.no}`).slice();
}

const utf8 = new TextDecoder('utf-8');

/** A string field's first `max` bytes, decoded with replacement (names are compared to ASCII tables). */
export function wireString(cur: WindowCursor, f: WireField, max = 4096): string {
  cur.seek(f.at);
  return utf8.decode(cur.bytes(Math.min(f.length, max), `field ${f.no}`));
}

/** Field headers are tiny reads close together: a cursor with a small window over the whole input. */
export function wireCursor(src: ByteSource): WindowCursor {
  return new WindowCursor(src, 0, src.size, 64 * 1024);
}
