/**
 * xz (the .xz container of LZMA2), as Python's `lzma` module reads it
 * (`lzma.open`, joblib `compress='xz'`, `.tar.xz`): streams back to back
 * with zero padding, blocks holding one LZMA2 filter, the integrity check
 * (CRC-32, CRC-64, SHA-256) verified after each block's data was produced,
 * the index compared with the blocks seen. Branch/call filters (BCJ) and
 * delta are reported as unsupported, never guessed at.
 */
import { byteAt } from '../bytes/at.js';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { ByteReader } from '../bytes/reader.js';
import { ModelguardError } from '../errors.js';
import type { Codec, DecodeState } from './codec.js';
import { crc64xzOf } from './crc64.js';
import { decodeLzma2 } from './lzma2.js';
import type { BoundedOutput } from './output.js';

const MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const FOOTER_MAGIC = [0x59, 0x5a];
const FILTER_LZMA2 = 0x21;
/** Blocks per stream (CWE-400: an index with a billion records). */
const MAX_BLOCKS = 1 << 20;

function malformed(message: string, offset: number): never {
  throw new ModelguardError('E_MALFORMED', `xz: ${message}`, { offset });
}

function checkSize(type: number): number {
  return type === 0 ? 0 : 4 << Math.floor((type - 1) / 3);
}

/** xz multibyte integer: 7 bits a byte, at most 9 bytes, no redundant trailing zero byte. */
function varint(r: ByteReader, what: string): number {
  const at = r.offset;
  let v = 0;
  for (let i = 0; i < 9; i++) {
    const b = r.u8(what);
    if (i > 0 && b === 0) malformed(`${what}: redundant zero byte`, at);
    v += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) {
      if (!Number.isSafeInteger(v)) throw new ModelguardError('E_LIMIT', `xz: ${what} over 2^53`, { offset: at });
      return v;
    }
  }
  return malformed(`${what}: more than 9 bytes`, at);
}

/** Checks the block output `[from, out.length)` against its stored check, reading it in chunks (it may be on disk). */
function verify(type: number, out: BoundedOutput, from: number, stored: Uint8Array): boolean {
  switch (type) {
    case 0:
      return true;
    case 1: {
      let c = 0;
      out.feed(from, (d) => {
        c = crc32(d, c);
      });
      c >>>= 0;
      return stored[0] === (c & 0xff) && stored[1] === ((c >>> 8) & 0xff) && stored[2] === ((c >>> 16) & 0xff) && stored[3] === c >>> 24;
    }
    case 4:
      return Buffer.from(
        crc64xzOf((feed) => {
          out.feed(from, feed);
        }),
      ).equals(stored);
    case 10: {
      const h = createHash('sha256');
      out.feed(from, (d) => h.update(d));
      return h.digest().equals(stored);
    }
    default:
      return true; // reserved check types: liblzma skips them (LZMA_UNSUPPORTED_CHECK is a warning)
  }
}

/** Reads a block header; returns the LZMA2 dictionary size and declared sizes. */
function blockHeader(r: ByteReader, first: number): { dictSize: number; compressed?: number; uncompressed?: number } {
  const start = r.offset;
  const size = (first + 1) * 4;
  const h = new ByteReader(r.bytesView(size - 1, 'xz block header'), start + 1);
  const crc = crc32(Uint8Array.of(first, ...h.bytes.subarray(0, size - 5))) >>> 0;
  const flags = h.u8('block flags');
  if ((flags & 0x3c) !== 0) malformed('reserved block flags set', start);
  const res: { dictSize: number; compressed?: number; uncompressed?: number } = { dictSize: 0 };
  if ((flags & 0x40) !== 0) res.compressed = varint(h, 'compressed size');
  if ((flags & 0x80) !== 0) res.uncompressed = varint(h, 'uncompressed size');
  const filters = (flags & 3) + 1;
  for (let i = 0; i < filters; i++) {
    const id = varint(h, 'filter id');
    const propsSize = varint(h, 'filter properties size');
    const props = h.bytesView(propsSize, 'filter properties');
    if (id !== FILTER_LZMA2 || i !== filters - 1) {
      throw new ModelguardError('E_UNSUPPORTED', `xz filter 0x${id.toString(16)} (only LZMA2 alone is decoded)`, { offset: start });
    }
    const d = props[0] ?? 0xff;
    if (propsSize !== 1 || d > 40) malformed('bad LZMA2 dictionary size', start);
    res.dictSize = d === 40 ? 0xffffffff : (2 | (d & 1)) * 2 ** ((d >>> 1) + 11);
  }
  while (h.remaining > 4) if (h.u8('header padding') !== 0) malformed('non-zero block header padding', start);
  if (h.u32le('block header CRC') !== crc) malformed('block header CRC mismatch', start);
  return res;
}

function decodeStream(input: Uint8Array, pos: number, out: BoundedOutput, state: DecodeState): number {
  const r = new ByteReader(input);
  r.seek(pos);
  r.skip(6, 'xz magic');
  const flags = r.bytesView(2, 'xz stream flags');
  if (crc32(flags) >>> 0 !== r.u32le('xz stream flags CRC')) malformed('stream header CRC mismatch', pos);
  const check = byteAt(flags, 1, pos + 7);
  if (flags[0] !== 0 || check > 15) malformed('reserved stream flags set', pos);
  const records: [number, number][] = [];
  for (;;) {
    const first = r.u8('xz block header size');
    if (first === 0) break; // the index
    if (records.length >= MAX_BLOCKS) throw new ModelguardError('E_LIMIT', `xz: more than ${MAX_BLOCKS} blocks`, { offset: r.offset });
    const blockStart = r.offset - 1;
    const h = blockHeader(r, first);
    const from = out.length;
    const dataStart = r.pos;
    const end = h.compressed === undefined ? input.length : dataStart + h.compressed;
    const after = decodeLzma2(input, dataStart, Math.min(end, input.length), h.dictSize, out);
    if (h.compressed !== undefined && after !== end) malformed('block data does not match its compressed size', blockStart);
    r.seek(after);
    const produced = out.length - from;
    if (h.uncompressed !== undefined && produced !== h.uncompressed) malformed('block data does not match its uncompressed size', blockStart);
    while ((r.pos - blockStart) % 4 !== 0) if (r.u8('block padding') !== 0) malformed('non-zero block padding', r.offset);
    const stored = r.bytesView(checkSize(check), 'xz block check');
    if (!verify(check, out, from, stored)) state.checksums.push(`block at byte ${blockStart}: integrity check mismatch (liblzma fails after this block)`);
    records.push([after - blockStart + checkSize(check), produced]);
  }
  // Index: count, (unpadded size, uncompressed size) per block, padding, CRC-32.
  const indexStart = r.pos - 1;
  const count = varint(r, 'index record count');
  if (count !== records.length) malformed(`index lists ${count} blocks, the stream has ${records.length}`, indexStart);
  for (const [unpadded, uncompressed] of records) {
    const u = varint(r, 'unpadded size');
    if (u !== unpadded || varint(r, 'uncompressed size') !== uncompressed) malformed('index and block sizes disagree', indexStart);
  }
  while ((r.pos - indexStart) % 4 !== 0) if (r.u8('index padding') !== 0) malformed('non-zero index padding', r.offset);
  const indexCrc = crc32(input.subarray(indexStart, r.pos)) >>> 0;
  if (r.u32le('index CRC') !== indexCrc) malformed('index CRC mismatch', indexStart);
  // Footer: CRC-32, backward size, flags, "YZ".
  const footerCrc = r.u32le('footer CRC');
  const backward = r.bytesView(4, 'backward size');
  const footerFlags = r.bytesView(2, 'footer flags');
  if (crc32(Uint8Array.of(...backward, ...footerFlags)) >>> 0 !== footerCrc) malformed('stream footer CRC mismatch', r.offset);
  if (footerFlags[0] !== flags[0] || footerFlags[1] !== flags[1]) malformed('stream header and footer flags differ', r.offset);
  const magic = r.bytesView(2, 'footer magic');
  if (magic[0] !== FOOTER_MAGIC[0] || magic[1] !== FOOTER_MAGIC[1]) malformed('bad stream footer magic', r.offset);
  return r.pos;
}

function isMagic(b: Uint8Array, at: number): boolean {
  return MAGIC.every((x, i) => b[at + i] === x);
}

function decodeXz(input: Uint8Array, out: BoundedOutput, state: DecodeState): void {
  let pos = 0;
  while (pos < input.length) {
    if (!isMagic(input, pos)) {
      if (state.streams > 0) return;
      malformed('no xz stream header', pos);
    }
    pos = decodeStream(input, pos, out, state);
    state.streams++;
    state.consumed = pos;
    // Stream padding: zeros in multiples of four.
    let p = pos;
    while (p < input.length && input[p] === 0) p++;
    if ((p - pos) % 4 === 0) {
      pos = p;
      state.consumed = p;
    } else return;
  }
}

export const XZ_CODEC: Codec = {
  id: 'xz',
  title: 'xz',
  suffixes: [
    ['.txz', '.tar'],
    ['.xz', ''],
  ],
  decode: decodeXz,
  sniff,
};

/** Whether `head` starts a stream of this codec. */
function sniff(head: Uint8Array): boolean {
  return isMagic(head, 0);
}
