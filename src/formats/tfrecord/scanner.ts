/**
 * TFRecord files (tf.data's TFRecordDataset, TensorBoard event files):
 * records of `u64 length, u32 masked CRC-32C of the length, data, u32
 * masked CRC-32C of the data` back to back to the end of the file. Records
 * are parsed by their readers as protocol buffers (tf.train.Example,
 * tensorboard's Event), never executed. Every length is checked against
 * the file and every CRC verified, so anything else is malformed. Gzip- and
 * zlib-compressed record files are opened by the compressed-stream scanner
 * and recognised inside.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import type { Probe } from '../format.js';
import { expect, inertFormat, type Recogniser } from '../inert.js';
import { crc32c, unmask } from '../tensorflow/crc32c.js';

/** Records walked (CWE-400). */
const MAX_RECORDS = 1 << 30;
/** Data read per CRC step: records are streamed, never held whole. */
const SLICE = 1 << 20;

function u32le(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;
}

/** The first record's framing: its length field's CRC is right and the record fits the file. */
function firstRecord(p: Probe): number | undefined {
  // Byte compares before the CRC: records under 2^40 bytes have zeros in the length's top three bytes.
  if (p.head.length < 12 || p.head[5] !== 0 || p.head[6] !== 0 || p.head[7] !== 0) return undefined;
  if (crc32c(p.head.subarray(0, 8)) !== unmask(u32le(p.head, 8))) return undefined;
  const len = u32le(p.head, 0) + u32le(p.head, 4) * 2 ** 32;
  return 16 + len <= p.size ? len : undefined;
}

function walk(src: ByteSource): { records: number; bytes: number } {
  const c = new WindowCursor(src, 0, src.size, SLICE);
  let records = 0;
  let bytes = 0;
  while (c.remaining > 0) {
    expect(++records <= MAX_RECORDS, `more than ${MAX_RECORDS} records`, c.pos);
    const at = c.pos;
    const lenBytes = c.bytes(8, 'record length').slice();
    const lenCrc = unmask(c.u32('length CRC'));
    expect(crc32c(lenBytes) === lenCrc, `record ${records} at offset ${at}: the length's CRC does not match`, at);
    const len = u32le(lenBytes, 0) + u32le(lenBytes, 4) * 2 ** 32;
    expect(len + 4 <= c.remaining, `record ${records} at offset ${at}: ${len} bytes run past the file`, at);
    let crc = 0;
    for (let left = len; left > 0;) {
      const n = Math.min(left, SLICE);
      crc = crc32c(c.bytes(n, 'record data'), crc);
      left -= n;
    }
    expect(crc === unmask(c.u32('data CRC')), `record ${records} at offset ${at}: the data's CRC does not match`, at + 12 + len);
    bytes += len;
  }
  return { records, bytes };
}

const events: Recogniser = {
  id: 'tensorboard-events',
  identify(p: Probe): boolean {
    const len = firstRecord(p);
    if (len === undefined || 12 + len > p.head.length) return false;
    // The first Event of a file carries file_version "brain.Event:<n>" (field 3, after wall_time).
    const text = new TextDecoder('latin1').decode(p.head.subarray(12, 12 + len));
    return text.includes('brain.Event:');
  },
  check(src: ByteSource): string {
    const { records, bytes } = walk(src);
    return `TensorBoard event file: ${records} records (${bytes} bytes of events), every CRC-32C correct`;
  },
};

const tfrecord: Recogniser = {
  id: 'tfrecord',
  identify: (p) => firstRecord(p) !== undefined,
  check(src: ByteSource): string {
    const { records, bytes } = walk(src);
    return `TFRecord file: ${records} records (${bytes} bytes), every CRC-32C correct`;
  },
};

export const tfrecordFormat = inertFormat({
  id: 'tfrecord',
  title: 'TFRecord file',
  kind: 'data-container',
  rule: {
    id: 'tfrecord/records',
    title: 'TFRecord records',
    severity: 'info',
    help: 'A TFRecord file (tf.data records or TensorBoard events): every record framed within the file and its masked CRC-32C verified. Readers parse the records as protocol buffers; nothing in them is executed.',
    references: ['https://www.tensorflow.org/tutorials/load_data/tfrecord#tfrecords_format_details'],
  },
  members: [events, tfrecord],
});
