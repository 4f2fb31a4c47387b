/**
 * The literals section of a compressed block (RFC 8878 §3.1.1.3.1): raw,
 * RLE, or Huffman-coded in one or four streams with a tree described in
 * the block or repeated from the previous one. Sizes are checked against
 * the block before anything is decoded; every Huffman stream must decode
 * exactly its share of symbols and end on its first bit.
 */
import { byteAt, entry, u16leAt } from '../../bytes/at.js';
import { ModelguardError } from '../../errors.js';
import { BackwardBits } from './bits.js';
import { readFse } from './fse.js';

/** Longest Huffman code (RFC 8878 §4.2.1). */
const MAX_HUFFMAN_BITS = 11;

export interface Huffman {
  readonly maxBits: number;
  /** Indexed by the next `maxBits` bits: the symbol and its code length. */
  readonly symbol: Uint8Array;
  readonly bits: Uint8Array;
}

function malformed(message: string, offset: number): never {
  throw new ModelguardError('E_MALFORMED', `zstd: ${message}`, { offset });
}

/** Huffman weights decoded from an FSE stream with two interleaved states (RFC 8878 §4.2.1.2). */
function fseWeights(b: Uint8Array, pos: number, size: number, base: number): number[] {
  const { table, end } = readFse(b.subarray(0, pos + size), pos, base, 6, 255);
  if (end >= pos + size) malformed('Huffman weights have no stream after their table', base + pos);
  const br = new BackwardBits(b.subarray(end, pos + size), base + end, 'Huffman weights');
  let s1 = br.read(table.log);
  let s2 = br.read(table.log);
  const out: number[] = [];
  const step = (s: number): number => entry(table.base, s, 'FSE state') + br.read(entry(table.bits, s, 'FSE state'));
  for (;;) {
    if (out.length > 254) malformed('more than 255 Huffman weights', base + pos);
    out.push(entry(table.symbol, s1, 'FSE state'));
    s1 = step(s1);
    if (br.left < 0) {
      out.push(entry(table.symbol, s2, 'FSE state'));
      break;
    }
    out.push(entry(table.symbol, s2, 'FSE state'));
    s2 = step(s2);
    if (br.left < 0) {
      out.push(entry(table.symbol, s1, 'FSE state'));
      break;
    }
  }
  return out;
}

/** Reads a tree description at `b[pos]`; returns the table and the byte after it. */
export function readHuffman(b: Uint8Array, pos: number, base: number): { huffman: Huffman; end: number } {
  const at = base + pos;
  const header = byteAt(b, pos, base);
  let weights: number[];
  let end: number;
  if (header < 128) {
    if (pos + 1 + header > b.length) throw new ModelguardError('E_TRUNCATED', 'zstd: Huffman weights end past the literals', { offset: at });
    weights = fseWeights(b, pos + 1, header, base);
    end = pos + 1 + header;
  } else {
    const n = header - 127;
    const bytes = (n + 1) >>> 1;
    weights = [];
    for (let i = 0; i < n; i++) {
      const v = byteAt(b, pos + 1 + (i >>> 1), base);
      weights.push(i % 2 === 0 ? v >>> 4 : v & 15);
    }
    end = pos + 1 + bytes;
  }
  let sum = 0;
  for (const w of weights) {
    if (w > MAX_HUFFMAN_BITS) malformed(`Huffman weight ${w}`, at);
    if (w > 0) sum += 1 << (w - 1);
  }
  if (sum === 0) malformed('Huffman weights are all zero', at);
  const maxBits = 32 - Math.clz32(sum);
  if (maxBits > MAX_HUFFMAN_BITS) malformed(`Huffman codes of ${maxBits} bits`, at);
  const rest = (1 << maxBits) - sum;
  if ((rest & (rest - 1)) !== 0) malformed('Huffman weights do not complete a power of two', at);
  weights.push(32 - Math.clz32(rest));
  if (weights.length > 256) malformed('more than 256 Huffman symbols', at);
  const size = 1 << maxBits;
  const symbol = new Uint8Array(size);
  const bits = new Uint8Array(size);
  let next = 0;
  for (let w = 1; w <= maxBits; w++) {
    const span = 1 << (w - 1);
    weights.forEach((weight, s) => {
      if (weight !== w) return;
      symbol.fill(s, next, next + span);
      bits.fill(maxBits + 1 - w, next, next + span);
      next += span;
    });
  }
  if (next !== size) malformed('Huffman codes do not fill their table', at);
  return { huffman: { maxBits, symbol, bits }, end };
}

/** Decodes one stream `b` into `out` exactly. */
function stream(b: Uint8Array, base: number, h: Huffman, out: Uint8Array): void {
  const br = new BackwardBits(b, base, 'Huffman stream');
  for (let i = 0; i < out.length; i++) {
    const v = br.peek(h.maxBits);
    out[i] = entry(h.symbol, v, 'Huffman code');
    br.consume(entry(h.bits, v, 'Huffman code'));
    if (br.overflowed) malformed('Huffman stream ends before its symbols', base);
  }
  if (br.left !== 0) malformed(`Huffman stream has ${br.left} bits left`, base);
}

export interface Literals {
  readonly bytes: Uint8Array;
  /** Byte after the section in the block. */
  readonly end: number;
  /** The tree to repeat in the next block (treeless literals). */
  readonly huffman: Huffman | undefined;
}

/** Reads the literals section at the start of block content `b` (absolute offset `base`), at most `max` bytes regenerated. */
export function readLiterals(b: Uint8Array, base: number, max: number, previous: Huffman | undefined): Literals {
  const b0 = byteAt(b, 0, base);
  const type = b0 & 3;
  const format = (b0 >>> 2) & 3;
  if (type < 2) {
    let size: number;
    let pos: number;
    if (format === 0 || format === 2) [size, pos] = [b0 >>> 3, 1];
    else if (format === 1) [size, pos] = [(b0 >>> 4) | (byteAt(b, 1, base) << 4), 2];
    else [size, pos] = [(b0 >>> 4) | (byteAt(b, 1, base) << 4) | (byteAt(b, 2, base) << 12), 3];
    if (size > max) malformed(`${size} literals in a block of at most ${max} bytes`, base);
    if (type === 0) {
      if (pos + size > b.length) throw new ModelguardError('E_TRUNCATED', 'zstd: raw literals end past the block', { offset: base });
      return { bytes: b.subarray(pos, pos + size), end: pos + size, huffman: previous };
    }
    return { bytes: new Uint8Array(size).fill(byteAt(b, pos, base)), end: pos + 1, huffman: previous };
  }
  const b1 = byteAt(b, 1, base);
  const b2 = byteAt(b, 2, base);
  let size: number;
  let compressed: number;
  let pos: number;
  if (format < 2) [size, compressed, pos] = [(b0 >>> 4) | ((b1 & 0x3f) << 4), (b1 >>> 6) | (b2 << 2), 3];
  else if (format === 2) [size, compressed, pos] = [(b0 >>> 4) | (b1 << 4) | ((b2 & 3) << 12), (b2 >>> 2) | (byteAt(b, 3, base) << 6), 4];
  else [size, compressed, pos] = [(b0 >>> 4) | (b1 << 4) | ((b2 & 0x3f) << 12), (b2 >>> 6) | (byteAt(b, 3, base) << 2) | (byteAt(b, 4, base) << 10), 5];
  const streams = format === 0 ? 1 : 4;
  if (size > max) malformed(`${size} literals in a block of at most ${max} bytes`, base);
  if (pos + compressed > b.length) throw new ModelguardError('E_TRUNCATED', 'zstd: compressed literals end past the block', { offset: base });
  const end = pos + compressed;
  let h: Huffman;
  if (type === 2) {
    const t = readHuffman(b.subarray(0, end), pos, base);
    h = t.huffman;
    pos = t.end;
  } else {
    if (previous === undefined) malformed('treeless literals with no previous Huffman tree', base);
    h = previous;
  }
  const out = new Uint8Array(size);
  if (streams === 1) stream(b.subarray(pos, end), base + pos, h, out);
  else {
    const s1 = u16leAt(b, pos, base);
    const s2 = u16leAt(b, pos + 2, base);
    const s3 = u16leAt(b, pos + 4, base);
    let p = pos + 6;
    const s4 = end - p - s1 - s2 - s3;
    if (s4 < 1) malformed('Huffman jump table points past the literals', base + pos);
    const part = Math.ceil(size / 4);
    if (3 * part > size) malformed(`four Huffman streams for ${size} literals`, base + pos);
    for (const [i, len] of [s1, s2, s3, s4].entries()) {
      const from = i * part;
      stream(b.subarray(p, p + len), base + p, h, out.subarray(from, i === 3 ? size : from + part));
      p += len;
    }
  }
  return { bytes: out, end, huffman: h };
}
