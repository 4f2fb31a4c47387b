/**
 * Protobuf wire format, walked field by field without decoding whole
 * messages: an ONNX model can be 2 GB of `raw_data`, which is skipped by
 * length (checked against the enclosing message) and never read.
 */
import { ModelguardError } from '../../errors.js';
import type { WindowCursor } from '../../bytes/window.js';

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

export interface WireField {
  id: number;
  wire: number;
  /** Varint value (wire type 0). */
  value: bigint;
  /** Absolute offset of a length-delimited payload (wire type 2). */
  start: number;
  /** Payload length (wire type 2). */
  len: number;
}

function malformed(message: string, offset: number): never {
  throw new ModelguardError('E_MALFORMED', message, { offset });
}

/**
 * Calls `visit` for each field of the message in `[cur.pos, end)`. After each
 * length-delimited field the cursor is moved past its payload whatever
 * `visit` read. Overlong lengths, group wire types, field number 0 and
 * fields running past `end` are `E_MALFORMED`.
 */
export function forEachField(cur: WindowCursor, end: number, what: string, visit: (f: WireField) => void): void {
  while (cur.pos < end) {
    const at = cur.pos;
    const tag = cur.varint(`${what} tag`);
    const id = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (id === 0 || tag >> 3n > 0x1fffffffn) malformed(`${what}: invalid field number at offset ${at}`, at);
    const field: WireField = { id, wire, value: 0n, start: 0, len: 0 };
    switch (wire) {
      case WIRE_VARINT:
        field.value = cur.varint(`${what} field ${id}`);
        break;
      case WIRE_I64:
        cur.skip(8, `${what} field ${id}`);
        break;
      case WIRE_I32:
        cur.skip(4, `${what} field ${id}`);
        break;
      case WIRE_LEN: {
        const len = cur.varint(`${what} field ${id} length`);
        if (len > BigInt(end - cur.pos)) {
          malformed(`${what} field ${id}: length ${len} at offset ${at} runs past the end of its message`, at);
        }
        field.start = cur.pos;
        field.len = Number(len);
        break;
      }
      default:
        malformed(`${what}: unsupported wire type ${wire} at offset ${at}`, at);
    }
    if (cur.pos > end) malformed(`${what} field ${id} at offset ${at} runs past the end of its message`, at);
    visit(field);
    if (wire === WIRE_LEN) cur.seek(field.start + field.len);
  }
  if (cur.pos !== end) malformed(`${what}: fields overrun the message end at ${end}`, cur.pos);
}

const utf8 = new TextDecoder('utf-8');

/** A string field, read only when at most `max` bytes long. */
export function readText(cur: WindowCursor, f: WireField, max: number): string | undefined {
  if (f.wire !== WIRE_LEN) malformed(`string field ${f.id} has wire type ${f.wire}`, f.start);
  if (f.len > max) return undefined;
  cur.seek(f.start);
  return utf8.decode(cur.bytes(f.len, `field ${f.id}`));
}

/** Bytes of a small message field, after checking its length against `max`. */
export function readSmall(cur: WindowCursor, f: WireField, max: number, what: string): Uint8Array {
  if (f.wire !== WIRE_LEN) malformed(`${what} has wire type ${f.wire}`, f.start);
  if (f.len > max) malformed(`${what} of ${f.len} bytes at offset ${f.start} is implausibly large`, f.start);
  cur.seek(f.start);
  return cur.bytes(f.len, what).slice();
}

/** Values of a repeated int64 field, packed or not. */
export function readInts(cur: WindowCursor, f: WireField, out: bigint[], maxCount: number): void {
  if (f.wire === WIRE_VARINT) {
    out.push(f.value);
    return;
  }
  if (f.wire !== WIRE_LEN) malformed(`integer field ${f.id} has wire type ${f.wire}`, f.start);
  cur.seek(f.start);
  const end = f.start + f.len;
  while (cur.pos < end) {
    if (out.length >= maxCount) malformed(`more than ${maxCount} values in packed field ${f.id}`, cur.pos);
    out.push(cur.varint('packed int'));
  }
  if (cur.pos !== end) malformed(`packed field ${f.id} overruns its length`, cur.pos);
}
