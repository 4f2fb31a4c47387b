/**
 * gzip (RFC 1952), as Python's `gzip` module reads it (pandas.read_pickle,
 * `gzip.open` + `pickle.load`, joblib `compress='gzip'`, `.tar.gz`):
 * members back to back, zero padding between them ignored, each member's
 * CRC-32 and size checked after its data was handed out.
 */
import { crc32 } from 'node:zlib';
import { ByteReader } from '../bytes/reader.js';
import { latin1Decode } from '../bytes/text.js';
import { ModelguardError } from '../errors.js';
import type { Codec, DecodeState } from './codec.js';
import { inflateStream } from './deflate.js';
import type { BoundedOutput } from './output.js';

const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;

/** Longest FNAME/FCOMMENT field read (CWE-770); Python has no limit, but such a name is no file name. */
const MAX_HEADER_TEXT = 64 * 1024;

function zeroTerminated(r: ByteReader, what: string): Uint8Array {
  const start = r.pos;
  const end = r.bytes.indexOf(0, start);
  if (end < 0) throw new ModelguardError('E_TRUNCATED', `gzip ${what} has no terminating NUL`, { offset: r.offset });
  if (end - start > MAX_HEADER_TEXT) throw new ModelguardError('E_LIMIT', `gzip ${what} longer than ${MAX_HEADER_TEXT} bytes`, { offset: r.offset });
  const out = r.bytesView(end - start, what);
  r.skip(1, what);
  return out;
}

/** Parses a member header at `r.pos`; returns the stored file name, if any. */
function memberHeader(r: ByteReader): string | undefined {
  const at = r.offset;
  if (r.u8('gzip magic') !== 0x1f || r.u8('gzip magic') !== 0x8b) throw new ModelguardError('E_MALFORMED', 'not a gzip member', { offset: at });
  const method = r.u8('gzip method');
  if (method !== 8) throw new ModelguardError('E_UNSUPPORTED', `gzip compression method ${method} (only deflate exists)`, { offset: at });
  const flags = r.u8('gzip flags');
  r.skip(6, 'gzip header'); // mtime, xfl, os
  if ((flags & FEXTRA) !== 0) r.skip(r.u16le('gzip extra length'), 'gzip extra field');
  const name = (flags & FNAME) !== 0 ? latin1Decode(zeroTerminated(r, 'file name')) : undefined;
  if ((flags & FCOMMENT) !== 0) zeroTerminated(r, 'comment');
  if ((flags & FHCRC) !== 0) r.skip(2, 'gzip header CRC');
  return name;
}

function decodeGzip(input: Uint8Array, out: BoundedOutput, state: DecodeState): void {
  const r = new ByteReader(input);
  while (r.remaining > 0) {
    if (state.streams > 0 && (r.peekU8(0) !== 0x1f || r.peekU8(1) !== 0x8b)) return; // trailing data
    const memberStart = r.pos;
    const name = memberHeader(r);
    if (state.streams === 0 && name !== undefined) state.name = name;
    const from = out.length;
    const used = inflateStream(input.subarray(r.pos), 'raw', out, r.pos, `gzip member at ${memberStart}`);
    r.skip(used, 'deflate data');
    const crc = r.u32le('gzip CRC-32');
    const size = r.u32le('gzip size');
    // Read back in chunks: a large member's start may already be out of memory (see BoundedOutput).
    let c = 0;
    out.feed(from, (d) => {
      c = crc32(d, c);
    });
    const produced = out.length - from;
    if (c >>> 0 !== crc) state.checksums.push(`member at ${memberStart}: CRC-32 mismatch (Python raises "CRC check failed" after handing out the data)`);
    if (produced % 0x100000000 !== size) state.checksums.push(`member at ${memberStart}: size field ${size} but ${produced} bytes decoded`);
    state.streams++;
    while (r.remaining > 0 && r.peekU8() === 0) r.skip(1); // "gzip files can be padded with zeroes"
    state.consumed = r.pos;
  }
}

export const GZIP_CODEC: Codec = {
  id: 'gzip',
  title: 'gzip',
  suffixes: [
    ['.tgz', '.tar'],
    ['.gz', ''],
    ['.gzip', ''],
  ],
  decode: decodeGzip,
  sniff,
};

/** Whether `head` starts a stream of this codec. */
function sniff(head: Uint8Array): boolean {
  // CM must be 8 (deflate), the only method RFC 1952 defines: Python's gzip module raises on any other,
  // and `1f 8b 00` is also the length of a 35,615-byte safetensors header.
  return head[0] === 0x1f && head[1] === 0x8b && (head.length < 3 || head[2] === 8);
}
