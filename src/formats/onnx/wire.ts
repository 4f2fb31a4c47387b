/**
 * ONNX's view of the protobuf wire format: the shared lazy reader
 * (`src/bytes/protobuf.ts`) with groups refused (ONNX's schema has none), a
 * visitor over one message's fields, and the few field decoders the model
 * walker uses. An ONNX model can be 2 GB of `raw_data`, which is skipped by
 * length (checked against the enclosing message) and never read.
 */
import { WIRE_LEN, wireFields, type WireField } from '../../bytes/protobuf.js';
import type { WindowCursor } from '../../bytes/window.js';
import { ModelguardError } from '../../errors.js';

function malformed(message: string, offset: number): never {
  throw new ModelguardError('E_MALFORMED', message, { offset });
}

/**
 * Calls `visit` for each field of the message in `[cur.pos, end)`, whatever
 * `visit` reads or where it leaves the cursor. Overlong lengths, groups,
 * field number 0 and fields running past `end` are errors.
 */
export function forEachField(cur: WindowCursor, end: number, what: string, visit: (f: WireField) => void): void {
  for (const f of wireFields(cur, cur.pos, end, what, { groups: 'reject' })) visit(f);
  cur.seek(end);
}

const utf8 = new TextDecoder('utf-8');

/** A string field, read only when at most `max` bytes long. */
export function readText(cur: WindowCursor, f: WireField, max: number): string | undefined {
  if (f.wire !== WIRE_LEN) malformed(`string field ${f.no} has wire type ${f.wire}`, f.at);
  if (f.length > max) return undefined;
  cur.seek(f.at);
  return utf8.decode(cur.bytes(f.length, `field ${f.no}`));
}

/** Bytes of a small message field, after checking its length against `max`. */
export function readSmall(cur: WindowCursor, f: WireField, max: number, what: string): Uint8Array {
  if (f.wire !== WIRE_LEN) malformed(`${what} has wire type ${f.wire}`, f.at);
  if (f.length > max) malformed(`${what} of ${f.length} bytes at offset ${f.at} is implausibly large`, f.at);
  cur.seek(f.at);
  return cur.bytes(f.length, what).slice();
}
