/**
 * Encoded spans: base64 (and base64url), hex (plain, `\x41`, spaced
 * bytes), binary octets, percent-encoding, and, when the text asks for it,
 * rot13 and reversed text. Each span that decodes to readable text becomes
 * a payload the detector scans again, bounded in count, size and depth
 * (`limits.ts`). Decoding never fails: anything that does not decode to
 * readable UTF-8 is left alone.
 */
import { MAX_DECODED_CHARS, MAX_DECODED_SPANS, MIN_ENCODED_RUN } from './limits.js';

export interface Payload {
  /** `base64`, `hex`, `binary`, `url`, `rot13`, `reversed`. */
  readonly encoding: string;
  readonly text: string;
  /** The encoded span in the text it was found in. */
  readonly start: number;
  readonly end: number;
}

const BASE64 = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/_=-])/g;
const HEX =
  /(?<![0-9A-Za-z])(?:[0-9a-fA-F]{2}){8,}(?![0-9A-Za-z])|(?:\\x[0-9a-fA-F]{2}){4,}|(?<![0-9A-Za-z])(?:[0-9a-fA-F]{2}[ :]){5,}[0-9a-fA-F]{2}(?![0-9A-Za-z])/g;
const BINARY = /(?<![01])(?:[01]{8}[ ]?){4,}/g;
const PERCENT = /[^%\s]{0,24}(?:%[0-9a-fA-F]{2}[^%\s]{0,24}){3,}/g;
const ROT13_CUE = /\b(?:rot-?13|rot 13|caesar)\b/i;
const REVERSE_CUE =
  /\b(?:reversed?|backwards?|right[- ]to[- ]left)\b[^.\n]{0,40}\b(?:text|message|string|order|instructions?|words?|letters?|sentence|prompt)\b/i;

const FATAL_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Readable: valid UTF-8, mostly printable, with at least two letter runs. */
function readable(bytes: Uint8Array): string | undefined {
  let s: string;
  try {
    s = FATAL_UTF8.decode(bytes);
  } catch {
    return undefined;
  }
  if (s.length < 6) return undefined;
  let printable = 0;
  for (const c of s) {
    const cp = c.codePointAt(0) ?? 0;
    if (cp >= 0x20 || cp === 0x0a || cp === 0x0d || cp === 0x09) printable++;
  }
  if (printable < s.length * 0.9) return undefined;
  const words = s.match(/\p{L}{2,}/gu)?.length ?? 0;
  const letters = s.match(/\p{L}/gu)?.length ?? 0;
  return words >= 2 || letters >= 6 ? s : undefined;
}

function rot13(s: string): string {
  return s.replace(/[a-zA-Z]/g, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
}

function hexBytes(s: string): Uint8Array {
  const digits = s.replace(/\\x|[ :]/g, '');
  return Uint8Array.from(Buffer.from(digits, 'hex'));
}

function binaryBytes(s: string): Uint8Array {
  const bits = s.replace(/ /g, '');
  const out = new Uint8Array(Math.floor(bits.length / 8));
  for (let i = 0; i < out.length; i++) out[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  return out;
}

function percent(s: string): string | undefined {
  try {
    const d = decodeURIComponent(s);
    return d !== s && /\p{L}{2,}/u.test(d) ? d : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finds and decodes the encoded spans of `text`, within the count and size
 * limits. Whole-text readings (rot13, reversed) only at the top level
 * (`wholeText`), when the text names them.
 */
export function findPayloads(text: string, wholeText = true): Payload[] {
  const out: Payload[] = [];
  let budget = MAX_DECODED_CHARS;
  const add = (encoding: string, decoded: string | undefined, start: number, end: number): void => {
    if (decoded === undefined || out.length >= MAX_DECODED_SPANS || budget <= 0) return;
    const t = decoded.slice(0, budget);
    budget -= t.length;
    out.push({ encoding, text: t, start, end });
  };
  for (const m of text.matchAll(BASE64)) {
    const s = m[0];
    if (s.length < MIN_ENCODED_RUN || !/[A-Z]/.test(s) || !/[a-z]/.test(s) || /^[0-9a-fA-F]+$/.test(s)) continue;
    add('base64', readable(Uint8Array.from(Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64'))), m.index, m.index + s.length);
  }
  for (const m of text.matchAll(HEX)) add('hex', readable(hexBytes(m[0])), m.index, m.index + m[0].length);
  for (const m of text.matchAll(BINARY)) add('binary', readable(binaryBytes(m[0])), m.index, m.index + m[0].length);
  // PERCENT tries 24 characters at every position; it needs three '%' to match at all.
  if (text.includes('%')) for (const m of text.matchAll(PERCENT)) add('url', percent(m[0]), m.index, m.index + m[0].length);
  if (wholeText && ROT13_CUE.test(text)) add('rot13', rot13(text), 0, text.length);
  if (wholeText && REVERSE_CUE.test(text)) add('reversed', [...text].reverse().join(''), 0, text.length);
  return out;
}
