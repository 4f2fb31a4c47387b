/**
 * Decoders for the text arguments of protocol 0/1 opcodes, following
 * CPython's rules exactly: ambiguity is where scanner bypasses live, so a
 * text that CPython rejects is rejected here (`E_MALFORMED`).
 */
import { ModelguardError } from '../../errors.js';
import { latin1Decode } from '../../bytes/text.js';

function malformed(what: string, offset: number): ModelguardError {
  return new ModelguardError('E_MALFORMED', what, { offset });
}

/** Python `int(text, 0)`-like parse used by INT/LONG/GET/PUT; returns number or bigint. */
export function parseDecimal(raw: Uint8Array, offset: number, what: string): number | bigint {
  let s = latin1Decode(raw).trim();
  if (s.endsWith('L')) s = s.slice(0, -1);
  if (!/^[+-]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)$/.test(s)) {
    throw malformed(`${what}: invalid integer text ${JSON.stringify(s.slice(0, 40))}`, offset);
  }
  const neg = s.startsWith('-');
  const body = s.replace(/^[+-]/, '').replace(/_/g, '');
  let big: bigint;
  try {
    big = BigInt(body);
  } catch {
    throw malformed(`${what}: invalid integer text`, offset);
  }
  if (neg) big = -big;
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** Python `float(text)`. */
export function parseFloatText(raw: Uint8Array, offset: number): number {
  const s = latin1Decode(raw).trim();
  const lower = s.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(lower)) return NaN;
  if (!/^[+-]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d+)?$/.test(s)) {
    throw malformed(`FLOAT: invalid float text ${JSON.stringify(s.slice(0, 40))}`, offset);
  }
  return Number(s.replace(/_/g, ''));
}

const SIMPLE_ESCAPES: Record<string, number> = {
  '\\': 0x5c,
  "'": 0x27,
  '"': 0x22,
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
};

/**
 * STRING: the argument is a quoted Python 2 str repr. CPython requires the
 * same quote at both ends, then applies `codecs.escape_decode`.
 */
export function decodeStringnl(raw: Uint8Array, offset: number): Uint8Array {
  const n = raw.length;
  const q = raw[0];
  if (n < 2 || (q !== 0x27 && q !== 0x22) || raw[n - 1] !== q) {
    throw malformed('STRING: the argument must be quoted', offset);
  }
  const body = raw.subarray(1, n - 1);
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as number;
    if (c !== 0x5c) {
      out.push(c);
      continue;
    }
    i++;
    if (i >= body.length) throw malformed('STRING: trailing \\ in string', offset);
    const e = String.fromCharCode(body[i] as number);
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out.push(simple);
    } else if (e === '\n') {
      // line continuation: nothing
    } else if (e >= '0' && e <= '7') {
      let v = 0;
      let k = 0;
      while (k < 3 && i < body.length && (body[i] as number) >= 0x30 && (body[i] as number) <= 0x37) {
        v = v * 8 + ((body[i] as number) - 0x30);
        i++;
        k++;
      }
      i--;
      out.push(v & 0xff);
    } else if (e === 'x') {
      const h = latin1Decode(body.subarray(i + 1, i + 3));
      if (!/^[0-9a-fA-F]{2}$/.test(h)) throw malformed('STRING: invalid \\x escape', offset);
      out.push(parseInt(h, 16));
      i += 2;
    } else {
      // Unknown escapes are kept verbatim (Python warns, but keeps them).
      out.push(0x5c, body[i] as number);
    }
  }
  return Uint8Array.from(out);
}

/** UNICODE: `raw-unicode-escape`: `\uXXXX` and `\UXXXXXXXX` escapes, other bytes as Latin-1. */
export function decodeRawUnicodeEscape(raw: Uint8Array, offset: number): string {
  let s = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as number;
    if (c === 0x5c && (raw[i + 1] === 0x75 || raw[i + 1] === 0x55)) {
      // An odd number of backslashes before u/U makes an escape.
      let bs = 0;
      for (let j = i; j >= 0 && raw[j] === 0x5c; j--) bs++;
      if (bs % 2 === 1) {
        const len = raw[i + 1] === 0x75 ? 4 : 8;
        const h = latin1Decode(raw.subarray(i + 2, i + 2 + len));
        if (h.length !== len || !/^[0-9a-fA-F]+$/.test(h)) {
          throw malformed('UNICODE: truncated \\uXXXX escape', offset);
        }
        const cp = parseInt(h, 16);
        if (cp > 0x10ffff) throw malformed('UNICODE: \\Uxxxxxxxx out of range', offset);
        s += String.fromCodePoint(cp);
        i += 1 + len;
        continue;
      }
    }
    s += String.fromCharCode(c);
  }
  return s;
}
