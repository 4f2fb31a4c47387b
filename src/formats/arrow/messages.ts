/**
 * Arrow IPC encapsulated messages (arrow.apache.org/docs/format/Columnar.html#encapsulated-message-format):
 * an optional 0xFFFFFFFF continuation, a 32-bit metadata length (a
 * multiple of 8), a `Message` FlatBuffer, then `bodyLength` bytes of
 * buffers; a zero length ends the stream. Walked from message to message
 * within the file; the schema of each Schema message is kept for the
 * extension-type check.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import { ModelguardError } from '../../errors.js';
import { expect } from '../inert.js';
import { FlatBuffer } from './flatbuffer.js';
import { pickledExtensions, type PickledExtension } from './schema.js';

/** Metadata of one message parsed in memory (CWE-770); schemas of thousands of columns stay far below. */
const MAX_METADATA = 64 * 1024 * 1024;
/** Messages walked (CWE-400). */
const MAX_MESSAGES = 10_000_000;

/** MessageHeader union: 1 Schema, 2 DictionaryBatch, 3 RecordBatch, 4 Tensor, 5 SparseTensor. */
const HEADERS = ['', 'Schema', 'DictionaryBatch', 'RecordBatch', 'Tensor', 'SparseTensor'];

export interface MessageWalk {
  messages: Record<string, number>;
  /** Where the walk stopped: the end marker's end, or `end`. */
  pos: number;
  pickled: PickledExtension[];
}

/** Parses a Message FlatBuffer: its header type name, body length and (for a schema) its pickled extension types. */
export function parseMessage(meta: Uint8Array, base: number): { header: string; bodyLength: number; pickled: PickledExtension[] } {
  const fb = new FlatBuffer(meta, base);
  const msg = fb.table(0, 'Message');
  const typePos = fb.field(msg, 1);
  const type = typePos === undefined ? 0 : fb.u8(typePos, 'header_type');
  const header = HEADERS[type];
  if (header === undefined || type === 0)
    throw new ModelguardError('E_MALFORMED', `Arrow message header type ${type} is not one Arrow defines`, { offset: base });
  const lenPos = fb.field(msg, 3);
  const bodyLength = lenPos === undefined ? 0 : fb.i64(lenPos, 'bodyLength');
  let pickled: PickledExtension[] = [];
  const hPos = fb.field(msg, 2);
  if (header === 'Schema' && hPos !== undefined) pickled = pickledExtensions(fb, fb.table(hPos, 'Schema'));
  return { header, bodyLength, pickled };
}

/** Walks messages from `start` until the end-of-stream marker or `end`. */
export function walkMessages(src: ByteSource, start: number, end: number): MessageWalk {
  const c = new WindowCursor(src, start, end, 64 * 1024);
  const out: MessageWalk = { messages: {}, pos: start, pickled: [] };
  let count = 0;
  while (c.remaining > 0) {
    expect(++count <= MAX_MESSAGES, `more than ${MAX_MESSAGES} messages`, c.pos);
    const at = c.pos;
    let len = c.u32('message length');
    if (len === 0xffffffff) len = c.u32('message length');
    if (len === 0) {
      out.pos = c.pos;
      return out;
    }
    expect(len % 8 === 0 || c.pos % 8 === 0, `message metadata of ${len} bytes at offset ${at} is not 8-byte aligned`, at);
    if (len > MAX_METADATA) throw new ModelguardError('E_LIMIT', `message metadata of ${len} bytes at offset ${at} (limit ${MAX_METADATA})`, { offset: at });
    const metaAt = c.pos;
    const m = parseMessage(c.bytes(len, 'message metadata').slice(), metaAt);
    expect(m.bodyLength <= c.remaining, `${m.header} message at offset ${at}: body of ${m.bodyLength} bytes runs past the file`, at);
    c.skip(m.bodyLength, 'message body');
    out.messages[m.header] = (out.messages[m.header] ?? 0) + 1;
    out.pickled.push(...m.pickled);
  }
  out.pos = c.pos;
  return out;
}
