/**
 * The LZMA decoder (range coder + LZ77 with the literal/match/rep model of
 * Igor Pavlov's LzmaSpec), shared by `.lzma` "alone" files and xz's LZMA2.
 * The bounded output is the dictionary: every match distance is checked
 * against the bytes really produced since the last dictionary reset and
 * against the declared dictionary size, so no window is ever allocated
 * from a header field.
 */
import { byteAt } from '../bytes/at.js';
import { ModelguardError } from '../errors.js';
import type { BoundedOutput } from './output.js';

const PROB_INIT = 1024;
const NUM_STATES = 12;
const END_DIST = 0xffffffff;

function corrupt(message: string, offset: number): never {
  throw new ModelguardError('E_MALFORMED', `lzma: ${message}`, { offset });
}

export class RangeDecoder {
  private readonly input: Uint8Array;
  pos: number;
  /** Input may not be read at or past this offset (an LZMA2 chunk's packed size). */
  private readonly end: number;
  private range = 0xffffffff;
  private code = 0;

  constructor(input: Uint8Array, pos: number, end: number) {
    this.input = input;
    this.pos = pos;
    this.end = end;
    if (this.next() !== 0) corrupt('range coder does not start with a zero byte', pos);
    for (let i = 0; i < 4; i++) this.code = ((this.code << 8) | this.next()) >>> 0;
    if (this.code === this.range) corrupt('range coder starts at the top of its range', pos);
  }

  private next(): number {
    if (this.pos >= this.end) {
      throw new ModelguardError('E_TRUNCATED', `lzma: compressed data ends at byte ${this.pos}`, { offset: this.pos });
    }
    return byteAt(this.input, this.pos++);
  }

  /** liblzma requires the code to be 0 when a stream ends exactly. */
  get finishedOk(): boolean {
    return this.code === 0;
  }

  bit(probs: Uint16Array, i: number): number {
    const p = probs[i] as number;
    const bound = (this.range >>> 11) * p;
    let b: number;
    if (this.code < bound) {
      this.range = bound;
      probs[i] = p + ((2048 - p) >>> 5);
      b = 0;
    } else {
      this.range = (this.range - bound) >>> 0;
      this.code = (this.code - bound) >>> 0;
      probs[i] = p - (p >>> 5);
      b = 1;
    }
    if (this.range < 0x1000000) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.next()) >>> 0;
    }
    return b;
  }

  direct(n: number): number {
    let res = 0;
    for (let i = 0; i < n; i++) {
      this.range >>>= 1;
      let bit = 0;
      if (this.code >= this.range) {
        this.code = (this.code - this.range) >>> 0;
        bit = 1;
      }
      res = ((res << 1) | bit) >>> 0;
      if (this.range < 0x1000000) {
        this.range = (this.range << 8) >>> 0;
        this.code = ((this.code << 8) | this.next()) >>> 0;
      }
    }
    return res;
  }

  tree(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | this.bit(probs, base + m);
    return m - (1 << bits);
  }

  reverseTree(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    let sym = 0;
    for (let i = 0; i < bits; i++) {
      const b = this.bit(probs, base + m);
      m = (m << 1) | b;
      sym |= b << i;
    }
    return sym;
  }
}

export interface LzmaProps {
  lc: number;
  lp: number;
  pb: number;
}

/** Splits the properties byte `(pb * 5 + lp) * 9 + lc`. */
export function lzmaProps(b: number, offset: number): LzmaProps {
  if (b >= 9 * 5 * 5) corrupt(`properties byte ${b}`, offset);
  return { lc: b % 9, lp: Math.floor(b / 9) % 5, pb: Math.floor(b / 45) };
}

class LenDecoder {
  readonly p = new Uint16Array(2 + 16 * 8 * 2 + 256).fill(PROB_INIT);
  decode(rc: RangeDecoder, posState: number): number {
    if (rc.bit(this.p, 0) === 0) return rc.tree(this.p, 2 + posState * 8, 3);
    if (rc.bit(this.p, 1) === 0) return 8 + rc.tree(this.p, 2 + 128 + posState * 8, 3);
    return 16 + rc.tree(this.p, 2 + 256, 8);
  }
}

/** LZMA decoder state; survives across LZMA2 chunks until a state reset. */
export class LzmaDecoder {
  props: LzmaProps;
  readonly dictSize: number;
  /** Output offset of the last dictionary reset: matches may not reach before it. */
  dictStart: number;
  private literal!: Uint16Array;
  private readonly isMatch = new Uint16Array(NUM_STATES << 4);
  private readonly isRep = new Uint16Array(NUM_STATES);
  private readonly isRepG0 = new Uint16Array(NUM_STATES);
  private readonly isRepG1 = new Uint16Array(NUM_STATES);
  private readonly isRepG2 = new Uint16Array(NUM_STATES);
  private readonly isRep0Long = new Uint16Array(NUM_STATES << 4);
  private readonly posSlot = new Uint16Array(4 << 6);
  private readonly posSpecial = new Uint16Array(1 + 114);
  private readonly align = new Uint16Array(1 << 4);
  private lenDec = new LenDecoder();
  private repLenDec = new LenDecoder();
  private state = 0;
  /** The four most recent match distances (a tuple: always four, read without a check). */
  private reps: [number, number, number, number] = [0, 0, 0, 0];

  constructor(props: LzmaProps, dictSize: number, dictStart: number) {
    this.props = props;
    this.dictSize = Math.max(dictSize, 4096);
    this.dictStart = dictStart;
    this.reset(props);
  }

  /** Resets probabilities and state (LZMA2 state reset), optionally with new properties. */
  reset(props: LzmaProps): void {
    this.props = props;
    this.literal = new Uint16Array(0x300 << (props.lc + props.lp)).fill(PROB_INIT);
    for (const a of [this.isMatch, this.isRep, this.isRepG0, this.isRepG1, this.isRepG2, this.isRep0Long, this.posSlot, this.posSpecial, this.align])
      a.fill(PROB_INIT);
    this.lenDec = new LenDecoder();
    this.repLenDec = new LenDecoder();
    this.state = 0;
    this.reps = [0, 0, 0, 0];
  }

  private available(out: BoundedOutput): number {
    return Math.min(out.length - this.dictStart, this.dictSize);
  }

  private decodeLiteral(rc: RangeDecoder, out: BoundedOutput, at: number): void {
    const { lc, lp } = this.props;
    const prev = out.length > this.dictStart ? out.back(1) : 0;
    const base = 0x300 * (((((out.length - this.dictStart) & ((1 << lp) - 1)) << lc) + (prev >>> (8 - lc))) >>> 0);
    let sym = 1;
    if (this.state >= 7) {
      if (this.reps[0] + 1 > this.available(out)) corrupt('match byte before the dictionary start', at);
      let matchByte = out.back(this.reps[0] + 1);
      do {
        const matchBit = (matchByte >>> 7) & 1;
        matchByte <<= 1;
        const b = rc.bit(this.literal, base + ((1 + matchBit) << 8) + sym);
        sym = (sym << 1) | b;
        if (matchBit !== b) break;
      } while (sym < 0x100);
    }
    while (sym < 0x100) sym = (sym << 1) | rc.bit(this.literal, base + sym);
    out.byte(sym - 0x100);
    this.state = this.state < 4 ? 0 : this.state < 10 ? this.state - 3 : this.state - 6;
  }

  private decodeDistance(rc: RangeDecoder, len: number): number {
    const lenState = Math.min(len, 3);
    const slot = rc.tree(this.posSlot, lenState << 6, 6);
    if (slot < 4) return slot;
    const numDirect = (slot >>> 1) - 1;
    let dist = ((2 | (slot & 1)) << numDirect) >>> 0;
    if (slot < 14) return (dist + rc.reverseTree(this.posSpecial, dist - slot, numDirect)) >>> 0;
    dist = (dist + ((rc.direct(numDirect - 4) << 4) >>> 0)) >>> 0;
    return (dist + rc.reverseTree(this.align, 0, 4)) >>> 0;
  }

  /**
   * Decodes until `out` has produced `limit` more bytes (undefined: until the
   * end marker). Returns true if the end marker was met.
   */
  decode(rc: RangeDecoder, out: BoundedOutput, limit: number | undefined, allowEndMarker: boolean): boolean {
    const stop = limit === undefined ? Infinity : out.length + limit;
    const pbMask = (1 << this.props.pb) - 1;
    while (out.length < stop) {
      const at = rc.pos;
      const posState = (out.length - this.dictStart) & pbMask;
      const s = this.state;
      if (rc.bit(this.isMatch, (s << 4) + posState) === 0) {
        this.decodeLiteral(rc, out, at);
        continue;
      }
      let len: number;
      if (rc.bit(this.isRep, s) !== 0) {
        if (out.length === this.dictStart) corrupt('repeated match at the start of the dictionary', at);
        if (rc.bit(this.isRepG0, s) === 0) {
          if (rc.bit(this.isRep0Long, (s << 4) + posState) === 0) {
            this.state = s < 7 ? 9 : 11;
            out.byte(out.back(this.reps[0] + 1));
            continue;
          }
        } else {
          let dist: number;
          if (rc.bit(this.isRepG1, s) === 0) dist = this.reps[1];
          else if (rc.bit(this.isRepG2, s) === 0) {
            dist = this.reps[2];
            this.reps[2] = this.reps[1];
          } else {
            dist = this.reps[3];
            this.reps[3] = this.reps[2];
            this.reps[2] = this.reps[1];
          }
          this.reps[1] = this.reps[0];
          this.reps[0] = dist;
        }
        len = this.repLenDec.decode(rc, posState);
        this.state = s < 7 ? 8 : 11;
      } else {
        this.reps[3] = this.reps[2];
        this.reps[2] = this.reps[1];
        this.reps[1] = this.reps[0];
        len = this.lenDec.decode(rc, posState);
        this.state = s < 7 ? 7 : 10;
        const dist = this.decodeDistance(rc, len);
        if (dist === END_DIST) {
          if (!allowEndMarker) corrupt('end marker where none is allowed', at);
          return true;
        }
        this.reps[0] = dist;
      }
      const dist = this.reps[0] + 1;
      if (dist > this.available(out)) corrupt(`match distance ${dist} beyond the ${this.available(out)} bytes in the dictionary`, at);
      const n = len + 2;
      if (out.length + n > stop) corrupt('match runs past the declared size', at);
      out.copy(dist, n);
    }
    return false;
  }
}
