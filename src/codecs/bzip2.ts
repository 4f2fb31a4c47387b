/**
 * bzip2, as Python's `bz2` module (libbzip2 1.0.8) reads it: `bz2.open` +
 * `pickle.load`, joblib `compress='bz2'`, `.tar.bz2`. Streams back to back
 * (multistream), each of blocks holding at most 900 000 bytes before the
 * final run-length step. Each block's CRC is checked after its data was
 * produced, as libbzip2 does.
 */
import { entry } from '../bytes/at.js';
import { ModelguardError } from '../errors.js';
import { MsbBitReader } from './bits.js';
import type { Codec, DecodeState } from './codec.js';
import type { BoundedOutput } from './output.js';

const BLOCK_MAGIC_HI = 0x314159;
const BLOCK_MAGIC_LO = 0x265359;
const END_MAGIC_HI = 0x177245;
const END_MAGIC_LO = 0x385090;
/** libbzip2 keeps at most this many selectors and ignores the rest. */
const MAX_SELECTORS = 18002;
const MAX_CODE_LEN = 20;
const GROUP_SIZE = 50;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** The bzip2 CRC of the output from `from` on, read in chunks (it may be on disk). */
function crcOf(out: BoundedOutput, from: number): number {
  let c = 0xffffffff;
  out.feed(from, (data) => {
    for (const b of data) c = ((c << 8) ^ (CRC_TABLE[((c >>> 24) ^ b) & 0xff] as number)) >>> 0;
  });
  return ~c >>> 0;
}

function bad(r: MsbBitReader, message: string): never {
  throw new ModelguardError('E_MALFORMED', `bzip2: ${message}`, { offset: r.offset });
}

/** Canonical Huffman table: decodes by code length, as libbzip2's limit/base/perm. */
class Huffman {
  private readonly limit = new Int32Array(MAX_CODE_LEN + 2);
  private readonly base = new Int32Array(MAX_CODE_LEN + 2);
  private readonly perm: Int32Array;
  private readonly minLen: number;
  private readonly maxLen: number;

  constructor(lengths: Uint8Array) {
    this.perm = new Int32Array(lengths.length);
    let minLen = MAX_CODE_LEN;
    let maxLen = 0;
    for (const l of lengths) {
      minLen = Math.min(minLen, l);
      maxLen = Math.max(maxLen, l);
    }
    this.minLen = minLen;
    this.maxLen = maxLen;
    let p = 0;
    for (let len = minLen; len <= maxLen; len++) for (let s = 0; s < lengths.length; s++) if (lengths[s] === len) this.perm[p++] = s;
    let code = 0;
    let idx = 0;
    for (let len = minLen; len <= maxLen; len++) {
      let n = 0;
      for (const l of lengths) if (l === len) n++;
      this.base[len] = idx - code;
      code += n;
      idx += n;
      this.limit[len] = code - 1;
      code <<= 1;
    }
  }

  decode(r: MsbBitReader): number {
    let len = this.minLen;
    let code = r.bits(len);
    for (;;) {
      if (code <= (this.limit[len] as number)) {
        const s = this.perm[code + (this.base[len] as number)];
        if (s === undefined) bad(r, 'invalid Huffman code');
        return s;
      }
      if (++len > this.maxLen) bad(r, 'invalid Huffman code');
      code = (code << 1) | r.bit();
    }
  }
}

/** Reads one block's Huffman-coded, MTF-coded symbols into `tt`; returns the BWT origin and length. */
function readBlock(r: MsbBitReader, tt: Uint32Array): { origPtr: number; length: number } {
  if (r.bit() !== 0) throw new ModelguardError('E_UNSUPPORTED', 'bzip2: randomised blocks (bzip2 < 0.9.5) are not supported', { offset: r.offset });
  const origPtr = r.bits(24);
  const used = r.bits(16);
  const symbols: number[] = [];
  for (let i = 0; i < 16; i++) {
    if ((used & (0x8000 >>> i)) === 0) continue;
    const bitsUsed = r.bits(16);
    for (let j = 0; j < 16; j++) if ((bitsUsed & (0x8000 >>> j)) !== 0) symbols.push(i * 16 + j);
  }
  if (symbols.length === 0) bad(r, 'a block uses no byte values');
  const alphaSize = symbols.length + 2;
  const nGroups = r.bits(3);
  if (nGroups < 2 || nGroups > 6) bad(r, `${nGroups} Huffman groups`);
  const nSelectors = r.bits(15);
  if (nSelectors < 1) bad(r, 'no selectors');
  const mtfGroups = [0, 1, 2, 3, 4, 5].slice(0, nGroups);
  const selectors = new Uint8Array(Math.min(nSelectors, MAX_SELECTORS));
  for (let i = 0; i < nSelectors; i++) {
    let j = 0;
    while (r.bit() === 1) if (++j >= nGroups) bad(r, 'selector out of range');
    const g = mtfGroups.splice(j, 1)[0] as number;
    mtfGroups.unshift(g);
    if (i < selectors.length) selectors[i] = g;
  }
  const tables: Huffman[] = [];
  for (let t = 0; t < nGroups; t++) {
    const lengths = new Uint8Array(alphaSize);
    let len = r.bits(5);
    for (let s = 0; s < alphaSize; s++) {
      for (;;) {
        if (len < 1 || len > MAX_CODE_LEN) bad(r, `code length ${len}`);
        if (r.bit() === 0) break;
        len += r.bit() === 0 ? 1 : -1;
      }
      lengths[s] = len;
    }
    tables.push(new Huffman(lengths));
  }
  // Huffman + RUNA/RUNB + move-to-front, straight into tt (byte values in the low 8 bits).
  const mtf = Uint8Array.from(symbols);
  const eob = alphaSize - 1;
  let length = 0;
  let run = 0;
  let runWeight = 1;
  let groupLeft = 0;
  let selector = 0;
  let table = entry(tables, 0, 'bzip2 Huffman tables');
  for (;;) {
    if (groupLeft === 0) {
      if (selector >= selectors.length) bad(r, 'more symbols than selectors');
      table = entry(tables, entry(selectors, selector++, 'bzip2 selectors'), 'bzip2 Huffman tables');
      groupLeft = GROUP_SIZE;
    }
    groupLeft--;
    const sym = table.decode(r);
    if (sym <= 1) {
      run += runWeight << sym;
      runWeight <<= 1;
      if (run > tt.length) bad(r, 'run longer than the block size');
      continue;
    }
    if (run > 0) {
      if (length + run > tt.length) bad(r, 'block longer than its declared size');
      tt.fill(entry(mtf, 0, 'bzip2 MTF list'), length, length + run);
      length += run;
      run = 0;
      runWeight = 1;
    }
    if (sym === eob) break;
    const k = sym - 1;
    const v = entry(mtf, k, 'bzip2 MTF list');
    mtf.copyWithin(1, 0, k);
    mtf[0] = v;
    if (length >= tt.length) bad(r, 'block longer than its declared size');
    tt[length++] = v;
  }
  if (origPtr >= length) bad(r, `BWT origin ${origPtr} outside a ${length}-byte block`);
  return { origPtr, length };
}

/** Inverse BWT and the final run-length step, into `out`. */
function emitBlock(tt: Uint32Array, origPtr: number, length: number, out: BoundedOutput): void {
  const counts = new Int32Array(256);
  for (let i = 0; i < length; i++) {
    const b = (tt[i] as number) & 0xff;
    counts[b] = (counts[b] as number) + 1;
  }
  let sum = 0;
  for (let i = 0; i < 256; i++) {
    const c = counts[i] as number;
    counts[i] = sum;
    sum += c;
  }
  for (let i = 0; i < length; i++) {
    const b = (tt[i] as number) & 0xff;
    const at = counts[b] as number;
    counts[b] = at + 1;
    tt[at] = ((tt[at] as number) | (i << 8)) >>> 0;
  }
  let pos = (tt[origPtr] as number) >>> 8;
  let last = -1;
  let same = 0;
  for (let n = 0; n < length; n++) {
    const entry = tt[pos] as number;
    const b = entry & 0xff;
    pos = entry >>> 8;
    if (same === 4) {
      for (let k = 0; k < b; k++) out.byte(last);
      same = 0;
      last = -1;
      continue;
    }
    if (b === last) same++;
    else {
      last = b;
      same = 1;
    }
    out.byte(b);
  }
}

function decodeBzip2(input: Uint8Array, out: BoundedOutput, state: DecodeState): void {
  let pos = 0;
  while (pos < input.length) {
    const level = input[pos + 3] ?? 0;
    const isHeader = input[pos] === 0x42 && input[pos + 1] === 0x5a && input[pos + 2] === 0x68 && level >= 0x31 && level <= 0x39;
    if (!isHeader) {
      if (state.streams > 0) return; // trailing data: Python's reader stops here
      throw new ModelguardError('E_MALFORMED', 'bzip2: no BZh stream header', { offset: pos });
    }
    const r = new MsbBitReader(input, pos + 4);
    const tt = new Uint32Array((level - 0x30) * 100_000);
    for (;;) {
      const hi = r.bits(24);
      const lo = r.bits(24);
      if (hi === END_MAGIC_HI && lo === END_MAGIC_LO) {
        r.bits(16);
        r.bits(16); // combined CRC: the block CRCs already cover the data
        break;
      }
      if (hi !== BLOCK_MAGIC_HI || lo !== BLOCK_MAGIC_LO) bad(r, 'bad block magic');
      const crc = (r.bits(16) * 0x10000 + r.bits(16)) >>> 0;
      const blockAt = r.offset;
      const { origPtr, length } = readBlock(r, tt);
      const from = out.length;
      emitBlock(tt, origPtr, length, out);
      if (crcOf(out, from) !== crc) state.checksums.push(`block at byte ${blockAt}: CRC mismatch (libbzip2 fails after this block)`);
      tt.fill(0, 0, length);
    }
    pos = r.alignToByte();
    state.streams++;
    state.consumed = pos;
  }
}

export const BZIP2_CODEC: Codec = {
  id: 'bzip2',
  title: 'bzip2',
  suffixes: [
    ['.tbz2', '.tar'],
    ['.tbz', '.tar'],
    ['.bz2', ''],
    ['.bz', ''],
  ],
  decode: decodeBzip2,
  sniff,
};

/** Whether `head` starts a stream of this codec (magic and a plausible header). */
function sniff(head: Uint8Array): boolean {
  const h = head;
  const level = h[3] ?? 0;
  if (h[0] !== 0x42 || h[1] !== 0x5a || h[2] !== 0x68 || level < 0x31 || level > 0x39) return false;
  // A block or end-of-stream magic follows: "BZh9" text alone is not bzip2.
  const m = [h[4], h[5], h[6]];
  return (m[0] === 0x31 && m[1] === 0x41 && m[2] === 0x59) || (m[0] === 0x17 && m[1] === 0x72 && m[2] === 0x45);
}
