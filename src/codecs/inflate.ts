/**
 * A streaming raw-deflate decoder (RFC 1951) writing straight into a
 * `BoundedOutput`, for streams whose output is too large to hold in memory
 * at once (zlib's one-shot calls collect the whole output, then copy it):
 * the output spills to disk past its threshold and stops at its ceiling, so
 * a bomb costs bounded memory whatever its ratio (CWE-409, CWE-400).
 *
 * Decoding uses one lookup table per Huffman code indexed by the next 15
 * bits (codes are at most 15 bits long). Errors: `E_TRUNCATED` when the
 * input ends inside the stream, `E_MALFORMED` for invalid data, `E_LIMIT`
 * from the output.
 */
import { byteAt, entry, u16leAt } from '../bytes/at.js';
import { ModelguardError } from '../errors.js';
import type { BoundedOutput } from './output.js';

const MAX_BITS = 15;

const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A decoding table: entry = symbol << 4 | code length (0: no code has these bits). */
type Table = Uint32Array;

function malformed(msg: string, at: number): never {
  throw new ModelguardError('E_MALFORMED', `invalid deflate data: ${msg}`, { offset: at });
}

function reverse(code: number, len: number): number {
  let r = 0;
  for (let i = 0; i < len; i++) {
    r = (r << 1) | (code & 1);
    code >>>= 1;
  }
  return r;
}

/** Builds the table for canonical code lengths; over-subscribed sets are invalid, incomplete ones allowed (as zlib). */
function build(lengths: ArrayLike<number>, n: number, at: number): Table {
  const count = new Uint16Array(MAX_BITS + 1);
  for (let i = 0; i < n; i++) {
    const len = entry(lengths, i, 'code lengths');
    count[len] = entry(count, len, 'code length counts') + 1;
  }
  count[0] = 0;
  let left = 1;
  for (let len = 1; len <= MAX_BITS; len++) {
    left = left * 2 - entry(count, len, 'code length counts');
    if (left < 0) malformed('over-subscribed Huffman code', at);
  }
  const next = new Uint16Array(MAX_BITS + 2);
  for (let len = 1; len <= MAX_BITS; len++) next[len + 1] = (entry(next, len, 'next codes') + entry(count, len, 'code length counts')) << 1;
  const table = new Uint32Array(1 << MAX_BITS);
  for (let sym = 0; sym < n; sym++) {
    const len = entry(lengths, sym, 'code lengths');
    if (len === 0) continue;
    const code = entry(next, len, 'next codes');
    next[len] = code + 1;
    const rev = reverse(code, len);
    for (let i = rev; i < table.length; i += 1 << len) table[i] = (sym << 4) | len;
  }
  return table;
}

let FIXED: { lit: Table; dist: Table } | undefined;
function fixed(): { lit: Table; dist: Table } {
  if (FIXED === undefined) {
    const l = new Uint8Array(288);
    l.fill(8, 0, 144);
    l.fill(9, 144, 256);
    l.fill(7, 256, 280);
    l.fill(8, 280, 288);
    FIXED = { lit: build(l, 288, 0), dist: build(new Uint8Array(30).fill(5), 30, 0) };
  }
  return FIXED;
}

class Bits {
  private readonly b: Uint8Array;
  pos = 0;
  private buf = 0;
  private cnt = 0;
  private readonly base: number;
  constructor(b: Uint8Array, base: number) {
    this.b = b;
    this.base = base;
  }
  get offset(): number {
    return this.base + this.pos;
  }
  private fill(n: number): void {
    while (this.cnt < n) {
      if (this.pos >= this.b.length) throw new ModelguardError('E_TRUNCATED', 'deflate stream ends before its last block', { offset: this.offset });
      this.buf |= byteAt(this.b, this.pos++, this.base) << this.cnt;
      this.cnt += 8;
    }
  }
  bits(n: number): number {
    if (n === 0) return 0;
    this.fill(n);
    const v = this.buf & ((1 << n) - 1);
    this.buf >>>= n;
    this.cnt -= n;
    return v;
  }
  /** Decodes one symbol with `t`. */
  decode(t: Table): number {
    // Fill as many bits as are available, up to 15; a short tail is fine if the code fits.
    while (this.cnt < MAX_BITS && this.pos < this.b.length) {
      this.buf |= byteAt(this.b, this.pos++, this.base) << this.cnt;
      this.cnt += 8;
    }
    const e = entry(t, this.buf & 0x7fff, 'Huffman table');
    const len = e & 15;
    if (len === 0) malformed('invalid Huffman code', this.offset);
    if (len > this.cnt) throw new ModelguardError('E_TRUNCATED', 'deflate stream ends inside a code', { offset: this.offset });
    this.buf >>>= len;
    this.cnt -= len;
    return e >>> 4;
  }
  /** Drops bits to the next byte boundary and returns the byte position. */
  align(): number {
    const drop = this.cnt & 7;
    this.buf >>>= drop;
    this.cnt -= drop;
    // Whole bytes still buffered go back to the input.
    const back = this.cnt >>> 3;
    this.pos -= back;
    this.buf = 0;
    this.cnt = 0;
    return this.pos;
  }
  bytes(n: number): Uint8Array {
    if (this.pos + n > this.b.length) throw new ModelguardError('E_TRUNCATED', 'stored deflate block ends early', { offset: this.offset });
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}

function dynamic(r: Bits): { lit: Table; dist: Table } {
  const at = r.offset;
  const nlen = r.bits(5) + 257;
  const ndist = r.bits(5) + 1;
  const ncode = r.bits(4) + 4;
  if (nlen > 286 || ndist > 30) malformed('too many length or distance codes', at);
  const cl = new Uint8Array(19);
  for (const i of CL_ORDER.slice(0, ncode)) cl[i] = r.bits(3);
  const clt = build(cl, 19, at);
  const lengths = new Uint8Array(nlen + ndist);
  for (let i = 0; i < nlen + ndist;) {
    const sym = r.decode(clt);
    if (sym < 16) {
      lengths[i++] = sym;
      continue;
    }
    let rep: number;
    let val = 0;
    if (sym === 16) {
      if (i === 0) malformed('repeat with no previous length', at);
      val = entry(lengths, i - 1, 'code lengths');
      rep = 3 + r.bits(2);
    } else rep = sym === 17 ? 3 + r.bits(3) : 11 + r.bits(7);
    if (i + rep > nlen + ndist) malformed('code lengths overflow', at);
    lengths.fill(val, i, i + rep);
    i += rep;
  }
  if (lengths[256] === 0) malformed('no end-of-block code', at);
  return { lit: build(lengths.subarray(0, nlen), nlen, at), dist: build(lengths.subarray(nlen), ndist, at) };
}

/**
 * Decodes one raw deflate stream from `input` into `out`; returns the input
 * bytes used (to the byte after the final block). `base` is `input[0]`'s
 * offset in the file, for messages.
 */
export function inflateRaw(input: Uint8Array, out: BoundedOutput, base: number): number {
  const r = new Bits(input, base);
  for (;;) {
    const final = r.bits(1);
    const type = r.bits(2);
    if (type === 0) {
      r.align();
      const hdr = r.bytes(4);
      const len = u16leAt(hdr, 0, r.offset - 4);
      const nlen = u16leAt(hdr, 2, r.offset - 4);
      if ((len ^ 0xffff) !== nlen) malformed('stored block length check fails', r.offset - 4);
      out.append(r.bytes(len));
    } else if (type === 3) {
      malformed('reserved block type', r.offset);
    } else {
      const { lit, dist } = type === 1 ? fixed() : dynamic(r);
      for (;;) {
        const sym = r.decode(lit);
        if (sym < 256) out.byte(sym);
        else if (sym === 256) break;
        else {
          const li = sym - 257;
          if (li >= 29) malformed(`invalid length symbol ${sym}`, r.offset);
          const len = entry(LEN_BASE, li, 'length symbols') + r.bits(entry(LEN_EXTRA, li, 'length symbols'));
          const ds = r.decode(dist);
          if (ds >= 30) malformed(`invalid distance symbol ${ds}`, r.offset);
          const d = entry(DIST_BASE, ds, 'distance symbols') + r.bits(entry(DIST_EXTRA, ds, 'distance symbols'));
          out.copy(d, len);
        }
      }
    }
    if (final === 1) return r.align();
  }
}
