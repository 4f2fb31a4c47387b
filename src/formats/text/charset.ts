/**
 * Is this text, and in which encoding? A classifier for the first bytes of
 * a file (and, through `TextChecker`, for the whole file in windows), shared
 * by the text scanner and any report that says what a file is.
 *
 * In order: a byte order mark (UTF-8, UTF-16 LE/BE); UTF-16 without one by
 * its zero-byte pattern (ASCII characters leave every other byte zero);
 * then, for 8-bit encodings, no control bytes beyond whitespace, ESC and a
 * rare stray one (`controls.ts`); UTF-8 (a character cut at the end of a
 * head is fine); else the legacy encoding it reads best in (`legacy.ts`).
 * Whether the bytes are also a pickle is a separate question
 * (`pickle/sniff.ts` `textAsPickle`), asked of the raw bytes whatever the
 * encoding.
 */
import { countStrays, hasAnsiEscape, strayBudget } from './controls.js';
import { guessLegacy, type LegacyEncoding } from './legacy.js';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | LegacyEncoding;

export interface TextKind {
  encoding: TextEncoding;
  /** The bytes start with a byte order mark. */
  bom: boolean;
  /** ANSI escape sequences (coloured logs). */
  ansi: boolean;
}

/** Bytes of a head examined for the UTF-16 zero-byte pattern. */
const UTF16_SAMPLE = 1024;
/** UTF-16 without a BOM or zero bytes: at least this long, this share of its letters in one script. */
const MIN_WIDE_BYTES = 16;
const MIN_WIDE_SCRIPT_SHARE = 0.9;
/** Share of code units with a zero on the other side (a CJK character such as U+4E00) such text may have. */
const WIDE_OTHER_SIDE_ZEROS = 0.05;
/** Share of code units whose high byte is zero (ASCII in UTF-16) that marks UTF-16 without a BOM. */
const UTF16_ZERO_SHARE = 0.4;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf16le = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });
const utf16be = new TextDecoder('utf-16be', { fatal: true, ignoreBOM: true });

/**
 * Classifies `bytes`: the whole input when `complete`, else its head (a
 * character may then be cut at the end). Undefined when it is not text.
 */
export function classifyText(bytes: Uint8Array, complete: boolean): TextKind | undefined {
  if (bytes.length === 0) return { encoding: 'utf-8', bom: false, ansi: false };
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) return utf8Kind(bytes.subarray(3), complete, true);
  if (b0 === 0xff && b1 === 0xfe) return utf16Kind(bytes.subarray(2), 'utf-16le', complete, true);
  if (b0 === 0xfe && b1 === 0xff) return utf16Kind(bytes.subarray(2), 'utf-16be', complete, true);
  const zeros = zeroParity(bytes);
  const wide = utf16Order(zeros);
  if (wide !== undefined) return utf16Kind(bytes, wide, complete, false);
  const narrow = utf8Kind(bytes, complete, false);
  if (narrow !== undefined) return narrow;
  // CJK in UTF-16 without a BOM: zero bytes (line breaks, ASCII) on one side only. Binary has them on both.
  if (zeros.odd > 0 && zeros.even <= zeros.units * WIDE_OTHER_SIDE_ZEROS) return wideWithoutZeros(bytes, 'utf-16le', complete);
  if (zeros.even > 0 && zeros.odd <= zeros.units * WIDE_OTHER_SIDE_ZEROS) return wideWithoutZeros(bytes, 'utf-16be', complete);
  return undefined;
}

/**
 * UTF-16 without a BOM whose characters are nearly all outside ASCII (Chinese, Japanese,
 * Korean): no zero-byte pattern, so it must decode to letters of one script with line breaks.
 */
function wideWithoutZeros(bytes: Uint8Array, order: 'utf-16le' | 'utf-16be', complete: boolean): TextKind | undefined {
  if (bytes.length < MIN_WIDE_BYTES || (complete && bytes.length % 2 !== 0) || !hasWideNewline(bytes, order)) return undefined;
  const text = decodeUtf16(bytes, order, complete);
  if (text === undefined || !utf16TextOk(text) || oneScriptShare(text) < MIN_WIDE_SCRIPT_SHARE) return undefined;
  return { encoding: order, bom: false, ansi: false };
}

/** Whether `bytes` holds U+000A as a UTF-16 code unit of the given order. */
function hasWideNewline(bytes: Uint8Array, order: 'utf-16le' | 'utf-16be'): boolean {
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) {
    if (order === 'utf-16le' ? i % 2 === 0 && bytes[i + 1] === 0 : i % 2 === 1 && bytes[i - 1] === 0) return true;
  }
  return false;
}

/** Share of the letters of `text` that belong to its most frequent script (Han with kana counted as one). */
function oneScriptShare(text: string): number {
  const counts = new Map<string, number>();
  let letters = 0;
  for (const ch of text) {
    if (!/\p{L}/u.test(ch)) continue;
    letters++;
    const script = SCRIPTS.find(([, re]) => re.test(ch))?.[0] ?? 'other';
    counts.set(script, (counts.get(script) ?? 0) + 1);
  }
  if (letters === 0) return 0;
  const top = Math.max(...[...counts.entries()].filter(([k]) => k !== 'other').map(([, v]) => v), 0);
  return top / letters;
}

const SCRIPTS: readonly (readonly [string, RegExp])[] = [
  ['latin', /\p{Script=Latin}/u],
  ['cjk', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['hangul', /\p{Script=Hangul}/u],
  ['cyrillic', /\p{Script=Cyrillic}/u],
  ['greek', /\p{Script=Greek}/u],
  ['arabic', /\p{Script=Arabic}/u],
  ['hebrew', /\p{Script=Hebrew}/u],
  ['thai', /\p{Script=Thai}/u],
  ['devanagari', /\p{Script=Devanagari}/u],
];

function utf8Kind(bytes: Uint8Array, complete: boolean, bom: boolean): TextKind | undefined {
  if (countStrays(bytes, strayBudget(bytes.length)) < 0) return undefined;
  const ansi = hasAnsiEscape(bytes);
  if (validUtf8(bytes, complete)) return { encoding: 'utf-8', bom, ansi };
  if (bom) return undefined;
  const legacy = guessLegacy(bytes, complete);
  return legacy === undefined ? undefined : { encoding: legacy.encoding, bom: false, ansi };
}

/** UTF-8 validity; a head may end inside a character (up to 3 bytes of it). */
export function validUtf8(bytes: Uint8Array, complete: boolean): boolean {
  const end = complete ? bytes.length : bytes.length - incompleteUtf8Tail(bytes);
  try {
    utf8.decode(bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** Bytes at the end of `b` that start a UTF-8 sequence without finishing it (0 to 3). */
export function incompleteUtf8Tail(b: Uint8Array): number {
  for (let k = 1; k <= Math.min(3, b.length); k++) {
    const c = b[b.length - k] as number;
    if ((c & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > k ? k : 0;
  }
  return 0;
}

/** Zero bytes at even and odd offsets of the first `UTF16_SAMPLE` bytes. */
interface ZeroParity {
  even: number;
  odd: number;
  units: number;
}

function zeroParity(bytes: Uint8Array): ZeroParity {
  const n = Math.min(bytes.length, UTF16_SAMPLE) & ~1;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  return { even, odd, units: n / 2 };
}

/** UTF-16 without a BOM: most high bytes of code units zero on one side, almost none on the other. */
function utf16Order(z: ZeroParity): 'utf-16le' | 'utf-16be' | undefined {
  if (z.units < 2) return undefined;
  if (z.odd >= z.units * UTF16_ZERO_SHARE && z.even <= z.units * 0.02) return 'utf-16le';
  if (z.even >= z.units * UTF16_ZERO_SHARE && z.odd <= z.units * 0.02) return 'utf-16be';
  return undefined;
}

function utf16Kind(bytes: Uint8Array, order: 'utf-16le' | 'utf-16be', complete: boolean, bom: boolean): TextKind | undefined {
  const text = decodeUtf16(bytes, order, complete);
  if (text === undefined || !utf16TextOk(text)) return undefined;
  return { encoding: order, bom, ansi: text.includes('\x1b[') };
}

/** Decodes UTF-16; a head may end inside a code unit or between the halves of a surrogate pair. */
export function decodeUtf16(bytes: Uint8Array, order: 'utf-16le' | 'utf-16be', complete: boolean): string | undefined {
  if (complete && bytes.length % 2 !== 0) return undefined;
  let end = bytes.length & ~1;
  if (!complete && end >= 2) {
    const hi = order === 'utf-16le' ? bytes[end - 1] : bytes[end - 2];
    if (hi !== undefined && hi >= 0xd8 && hi <= 0xdb) end -= 2;
  }
  try {
    return (order === 'utf-16le' ? utf16le : utf16be).decode(bytes.subarray(0, end));
  } catch {
    return undefined;
  }
}

/** Decoded UTF-16 holds no controls but whitespace, ESC and a rare stray one. */
export function utf16TextOk(text: string): boolean {
  let strays = 0;
  const budget = strayBudget(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c !== 0x7f && !(c >= 0x80 && c <= 0x9f)) continue;
    if (c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x1b) continue;
    if (++strays > budget) return false;
  }
  return true;
}
