/**
 * Recognising TensorFlow protobufs by structure. Protobuf has no magic
 * number, so each sniffer insists on the opening fields TensorFlow writes
 * (fields are serialized in field-number order) and on plausible contents:
 *
 * - SavedModel: `saved_model_schema_version` (field 1 = 1) then a
 *   MetaGraphDef (field 2) whose length fits the file and whose first field
 *   is one of MetaGraphDef's messages;
 * - GraphDef: a first NodeDef (field 1) whose `name` and `op` are
 *   identifier-like strings;
 * - Keras metadata: a first SavedObject whose `identifier` starts `_tf_keras_`;
 * - fingerprint.pb: a small message of only FingerprintDef's fields.
 *
 * Random or text bytes do not pass these; a file that does is parsed in
 * full, and any break there is a finding.
 */
import { byteAt } from '../../bytes/at.js';

interface Cursor {
  b: Uint8Array;
  pos: number;
  end: number;
}

function varint(c: Cursor): number | undefined {
  let v = 0;
  for (let i = 0; i < 10; i++) {
    if (c.pos >= c.end) return undefined;
    const x = byteAt(c.b, c.pos++);
    v += (x & 0x7f) * 2 ** (7 * i);
    if ((x & 0x80) === 0) return v;
  }
  return undefined;
}

/** A LEN field with number `no` at the cursor: its payload span (possibly past the head). */
function lenField(c: Cursor, no: number): { start: number; length: number } | undefined {
  if (c.b[c.pos] !== ((no << 3) | 2)) return undefined;
  c.pos++;
  const length = varint(c);
  if (length === undefined) return undefined;
  return { start: c.pos, length };
}

function text(c: Cursor, span: { start: number; length: number }, re: RegExp): string | undefined {
  if (span.length === 0 || span.length > 512 || span.start + span.length > c.b.length) return undefined;
  let s = '';
  for (const b of c.b.subarray(span.start, span.start + span.length)) s += String.fromCharCode(b);
  return re.test(s) ? s : undefined;
}

const NODE_NAME = /^[A-Za-z0-9.][A-Za-z0-9_./>-]*$/;
const OP_NAME = /^[A-Za-z_][A-Za-z0-9_>.]*$/;

export function looksLikeSavedModel(head: Uint8Array, size: number): boolean {
  const c: Cursor = { b: head, pos: 1, end: head.length };
  // TensorFlow always writes the schema version (1); without it a GraphDef opening with its library would pass.
  if (head[0] !== 0x08) return false;
  const v = varint(c);
  if (v === undefined || v < 1 || v > 10) return false;
  const mg = lenField(c, 2);
  if (mg === undefined || mg.length < 2 || mg.start + mg.length > size) return false;
  const first = head[mg.start];
  // MetaGraphDef fields 1-7 are all messages (or maps of them): tags 0x0a..0x3a.
  return first !== undefined && (first & 7) === 2 && first >> 3 >= 1 && first >> 3 <= 7;
}

export function looksLikeGraphDef(head: Uint8Array, size: number): boolean {
  const c: Cursor = { b: head, pos: 0, end: head.length };
  const node = lenField(c, 1);
  if (node === undefined || node.start + node.length > size || node.length < 4) return false;
  const inner: Cursor = { b: head, pos: node.start, end: Math.min(head.length, node.start + node.length) };
  const name = lenField(inner, 1);
  if (name === undefined || text(inner, name, NODE_NAME) === undefined) return false;
  inner.pos = name.start + name.length;
  const op = lenField(inner, 2);
  return op !== undefined && op.start + op.length <= node.start + node.length && text(inner, op, OP_NAME) !== undefined;
}

export function looksLikeKerasMetadata(head: Uint8Array, size: number): boolean {
  const c: Cursor = { b: head, pos: 0, end: head.length };
  const obj = lenField(c, 1);
  if (obj === undefined || obj.start + obj.length > size) return false;
  const inner: Cursor = { b: head, pos: obj.start, end: Math.min(head.length, obj.start + obj.length) };
  while (inner.pos < inner.end) {
    const tag = byteAt(head, inner.pos);
    if (tag === 0x22) {
      const id = lenField(inner, 4);
      return id !== undefined && text(inner, id, /^_tf_keras_\w+$/) !== undefined;
    }
    inner.pos++;
    if ((tag & 7) === 0) {
      if (varint(inner) === undefined) return false;
    } else if ((tag & 7) === 2) {
      const l = varint(inner);
      if (l === undefined) return false;
      inner.pos += l;
    } else {
      return false;
    }
  }
  return false;
}

/** FingerprintDef: fields 1-5 uint64, 6 VersionDef, 7 string; the whole file is in the head. */
export function looksLikeFingerprint(head: Uint8Array, size: number): boolean {
  if (size !== head.length || size < 6 || size > 1024) return false;
  const c: Cursor = { b: head, pos: 0, end: head.length };
  const seen = new Set<number>();
  while (c.pos < c.end) {
    const tag = varint(c);
    if (tag === undefined) return false;
    const no = tag >>> 3;
    const wire = tag & 7;
    if (no >= 1 && no <= 5 && wire === 0) {
      if (varint(c) === undefined) return false;
    } else if ((no === 6 || no === 7) && wire === 2) {
      const l = varint(c);
      if (l === undefined || c.pos + l > c.end) return false;
      c.pos += l;
    } else {
      return false;
    }
    seen.add(no);
  }
  return [1, 2, 3, 4, 5].filter((n) => seen.has(n)).length >= 3;
}
