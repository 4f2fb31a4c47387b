/**
 * Finite State Entropy tables (RFC 8878 §4.1.1): reading a table
 * description, building the decoding table, the predefined distributions
 * and the one-symbol table of RLE mode. Every count is checked as read:
 * the accuracy log against the field's maximum, the symbols against the
 * alphabet, the probabilities against the table size.
 */
import { entry } from '../../bytes/at.js';
import { ModelguardError } from '../../errors.js';
import { ForwardBits } from './bits.js';

/** A decoding table: per state, its symbol, the bits to read and the baseline of the next state. */
export interface FseTable {
  readonly log: number;
  readonly symbol: Uint8Array;
  readonly bits: Uint8Array;
  readonly base: Uint16Array;
}

function malformed(message: string, offset: number): never {
  throw new ModelguardError('E_MALFORMED', `zstd: ${message}`, { offset });
}

function highBit(v: number): number {
  return 31 - Math.clz32(v);
}

/** Builds the decoding table of normalized counts `norm` (-1 = "less than one") at accuracy `log`. */
export function buildFse(norm: readonly number[], log: number, offset = 0): FseTable {
  const size = 1 << log;
  const symbol = new Uint8Array(size);
  const bits = new Uint8Array(size);
  const base = new Uint16Array(size);
  const next = new Uint16Array(Math.max(1, norm.length));
  let high = size - 1;
  norm.forEach((c, s) => {
    if (c === -1) {
      symbol[high--] = s;
      next[s] = 1;
    } else next[s] = c;
  });
  const step = (size >>> 1) + (size >>> 3) + 3;
  const mask = size - 1;
  let pos = 0;
  norm.forEach((c, s) => {
    for (let i = 0; i < c; i++) {
      symbol[pos] = s;
      do pos = (pos + step) & mask;
      while (pos > high);
    }
  });
  if (pos !== 0) malformed('FSE distribution does not fill its table', offset);
  for (let u = 0; u < size; u++) {
    const s = entry(symbol, u, 'FSE symbol');
    const n = entry(next, s, 'FSE next state');
    next[s] = n + 1;
    const nb = log - highBit(n);
    bits[u] = nb;
    base[u] = (n << nb) - size;
  }
  return { log, symbol, bits, base };
}

/** The table of RLE mode: one state, one symbol, no bits. */
export function rleFse(sym: number): FseTable {
  return { log: 0, symbol: Uint8Array.of(sym), bits: new Uint8Array(1), base: new Uint16Array(1) };
}

/**
 * Reads a table description at `b[pos]` (absolute offset `base + pos`):
 * accuracy log at most `maxLog`, symbols at most `maxSymbol`. Returns the
 * table and the byte after the description.
 */
export function readFse(b: Uint8Array, pos: number, base: number, maxLog: number, maxSymbol: number): { table: FseTable; end: number } {
  const at = base + pos;
  const r = new ForwardBits(b, pos, base);
  const log = r.read(4) + 5;
  if (log > maxLog) malformed(`FSE accuracy log ${log} over ${maxLog}`, at);
  let remaining = (1 << log) + 1;
  let threshold = 1 << log;
  let nbBits = log + 1;
  const norm: number[] = [];
  while (remaining > 1) {
    if (norm.length > maxSymbol) malformed(`FSE description has symbols past ${maxSymbol}`, at);
    const max = 2 * threshold - 1 - remaining;
    let count: number;
    const low = r.peek(nbBits - 1);
    if (low < max) {
      count = low;
      r.skip(nbBits - 1);
    } else {
      count = r.read(nbBits);
      if (count >= threshold) count -= max;
    }
    count--;
    remaining -= Math.abs(count);
    norm.push(count);
    if (count === 0) {
      for (let rep = 3; rep === 3;) {
        rep = r.read(2);
        for (let i = 0; i < rep; i++) norm.push(0);
      }
      if (norm.length > maxSymbol + 1) malformed(`FSE description has symbols past ${maxSymbol}`, at);
    }
    while (remaining < threshold && nbBits > 1) {
      nbBits--;
      threshold >>>= 1;
    }
  }
  if (remaining !== 1) malformed('FSE probabilities do not add up to the table size', at);
  if (norm.length > maxSymbol + 1) malformed(`FSE description has symbols past ${maxSymbol}`, at);
  return { table: buildFse(norm, log, at), end: r.endByte };
}

// The predefined distributions (RFC 8878 §3.1.1.3.2.2).
const LL_DEFAULT = [4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1];
const ML_DEFAULT = [
  1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1,
  -1, -1,
];
const OF_DEFAULT = [1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1];

export const LL_PREDEFINED = buildFse(LL_DEFAULT, 6);
export const ML_PREDEFINED = buildFse(ML_DEFAULT, 6);
export const OF_PREDEFINED = buildFse(OF_DEFAULT, 5);
