/**
 * The sequences section of a compressed block (RFC 8878 §3.1.1.3.2) and
 * its execution: literal runs and matches into the bounded output. Every
 * sequence is checked before it is copied: literals it takes must exist,
 * the block must stay within its maximum size (so a block of a few bytes
 * cannot loop over gigabytes of matches), and a match may not reach before
 * the frame's first byte or past its window.
 */
import { byteAt, entry } from '../../bytes/at.js';
import { ModelguardError } from '../../errors.js';
import type { BoundedOutput } from '../output.js';
import { BackwardBits } from './bits.js';
import { LL_PREDEFINED, ML_PREDEFINED, OF_PREDEFINED, readFse, rleFse, type FseTable } from './fse.js';

const LL_MAX = 35;
const ML_MAX = 52;
const OF_MAX = 31;

// Literal and match length codes: baseline and extra bits (RFC 8878 §3.1.1.3.2.1.1).
const LL_BASE = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536,
];
const LL_BITS = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
const ML_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 37, 39, 41, 43, 47, 51, 59, 67,
  83, 99, 131, 259, 515, 1027, 2051, 4099, 8195, 16387, 32771, 65539,
];
const ML_BITS = [
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14,
  15, 16,
];

/** What a frame carries from block to block. */
export interface FrameState {
  /** Output length when the frame started: matches may not reach before it. */
  readonly start: number;
  readonly window: number;
  readonly blockMax: number;
  /** Repeat offsets, most recent first. */
  rep: [number, number, number];
  ll: FseTable | undefined;
  of: FseTable | undefined;
  ml: FseTable | undefined;
}

function malformed(message: string, offset: number): never {
  throw new ModelguardError('E_MALFORMED', `zstd: ${message}`, { offset });
}

function table(b: Uint8Array, pos: number, base: number, mode: number, what: 'll' | 'of' | 'ml', f: FrameState): { t: FseTable; end: number } {
  const [predefined, maxLog, maxSym] = what === 'll' ? [LL_PREDEFINED, 9, LL_MAX] : what === 'of' ? [OF_PREDEFINED, 8, OF_MAX] : [ML_PREDEFINED, 9, ML_MAX];
  switch (mode) {
    case 0:
      return { t: predefined, end: pos };
    case 1: {
      const s = byteAt(b, pos, base);
      if (s > maxSym) malformed(`RLE ${what} code ${s}`, base + pos);
      return { t: rleFse(s), end: pos + 1 };
    }
    case 2: {
      const r = readFse(b, pos, base, maxLog, maxSym);
      return { t: r.table, end: r.end };
    }
    default: {
      const t = f[what];
      if (t === undefined) malformed(`repeated ${what} table with none before`, base + pos);
      return { t, end: pos };
    }
  }
}

/** Resolves an offset value against the repeat offsets (RFC 8878 §3.1.1.5) and updates them. */
function offsetOf(value: number, literals: number, f: FrameState, at: number): number {
  const rep = f.rep;
  if (value > 3) {
    const o = value - 3;
    f.rep = [o, rep[0], rep[1]];
    return o;
  }
  const idx = value - (literals === 0 ? 0 : 1);
  if (idx === 0) return rep[0];
  const o = idx === 3 ? rep[0] - 1 : idx === 1 ? rep[1] : rep[2];
  if (o === 0) malformed('repeat offset of zero', at);
  f.rep = idx === 1 ? [o, rep[0], rep[2]] : [o, rep[0], rep[1]];
  return o;
}

/**
 * Decodes the sequences section at `b[pos]` (the rest of the block, `base`
 * absolute) and writes the block's output: literals and matches.
 */
export function executeSequences(b: Uint8Array, pos: number, base: number, lits: Uint8Array, out: BoundedOutput, f: FrameState): void {
  let p = pos;
  const b0 = byteAt(b, p++, base);
  let count: number;
  if (b0 < 128) count = b0;
  else if (b0 < 255) count = ((b0 - 128) << 8) | byteAt(b, p++, base);
  else {
    count = (byteAt(b, p, base) | (byteAt(b, p + 1, base) << 8)) + 0x7f00;
    p += 2;
  }
  if (count === 0) {
    if (p !== b.length) malformed('bytes after an empty sequences section', base + p);
    if (lits.length > f.blockMax) malformed('block over its maximum size', base);
    out.append(lits);
    return;
  }
  const modes = byteAt(b, p++, base);
  if ((modes & 3) !== 0) malformed('reserved bits of the compression modes set', base + p - 1);
  const ll = table(b, p, base, modes >>> 6, 'll', f);
  const of = table(b, ll.end, base, (modes >>> 4) & 3, 'of', f);
  const ml = table(b, of.end, base, (modes >>> 2) & 3, 'ml', f);
  [f.ll, f.of, f.ml] = [ll.t, of.t, ml.t];
  p = ml.end;
  if (p >= b.length) malformed('sequences section has no bitstream', base + p);
  const br = new BackwardBits(b.subarray(p), base + p, 'sequence bitstream');
  let sLL = br.read(ll.t.log);
  let sOF = br.read(of.t.log);
  let sML = br.read(ml.t.log);
  let litPos = 0;
  let produced = 0;
  for (let i = 0; i < count; i++) {
    const ofCode = entry(of.t.symbol, sOF, 'offset state');
    const llCode = entry(ll.t.symbol, sLL, 'literal length state');
    const mlCode = entry(ml.t.symbol, sML, 'match length state');
    const value = 2 ** ofCode + br.readLong(ofCode);
    const matchLen = entry(ML_BASE, mlCode, 'match length code') + br.read(entry(ML_BITS, mlCode, 'match length code'));
    const litLen = entry(LL_BASE, llCode, 'literal length code') + br.read(entry(LL_BITS, llCode, 'literal length code'));
    if (i + 1 < count) {
      sLL = entry(ll.t.base, sLL, 'state') + br.read(entry(ll.t.bits, sLL, 'state'));
      sML = entry(ml.t.base, sML, 'state') + br.read(entry(ml.t.bits, sML, 'state'));
      sOF = entry(of.t.base, sOF, 'state') + br.read(entry(of.t.bits, sOF, 'state'));
    }
    if (br.overflowed) malformed(`sequence bitstream ends before sequence ${i + 1} of ${count}`, base + p);
    if (litPos + litLen > lits.length) malformed(`sequence ${i + 1} takes literals past the ${lits.length} decoded`, base + p);
    produced += litLen + matchLen;
    if (produced > f.blockMax) malformed(`block output over its maximum of ${f.blockMax} bytes`, base);
    out.append(lits.subarray(litPos, litPos + litLen));
    litPos += litLen;
    const offset = offsetOf(value, litLen, f, base + p);
    if (offset > out.length - f.start || offset > f.window) malformed(`match offset ${offset} outside the window`, base + p);
    out.copy(offset, matchLen);
  }
  if (br.left !== 0) malformed(`sequence bitstream has ${br.left} bits left`, base + p);
  produced += lits.length - litPos;
  if (produced > f.blockMax) malformed(`block output over its maximum of ${f.blockMax} bytes`, base);
  out.append(lits.subarray(litPos));
}
