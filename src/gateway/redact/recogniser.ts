/**
 * A recogniser finds one kind of sensitive value in text: a pattern for
 * candidates, a validator that rejects look-alikes (checksums, ranges,
 * structure), and context words for values that a pattern alone cannot
 * tell from other numbers (a 9-digit BSN is only a BSN near "BSN").
 */
import type { SensitiveCategory } from '../config/types.js';

export interface SensitiveMatch {
  readonly category: SensitiveCategory;
  /** Precise kind: `email`, `card`, `us-ssn`, `aws-access-key-id`... (rule id `sensitive/<type>`). */
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

export interface Recogniser {
  readonly category: SensitiveCategory;
  readonly type: string;
  /** Candidates; must use the `g` flag. Group 0 is the value. */
  readonly pattern: RegExp;
  /** A cheap precondition on the whole text (a character every value contains); without it the pattern is not run. */
  readonly hint?: RegExp | ((text: string) => boolean);
  /** ASCII digits every accepted value holds (pattern and validator together): a text with fewer is skipped. */
  readonly minDigits?: number;
  /** Every value lies inside a run of at least this many token characters (`[A-Za-z0-9_+/=-]`): a text without one is skipped. */
  readonly minRun?: number;
  /** Length of the value at the start of a candidate when the pattern may run past it (an IBAN followed by a word). */
  readonly fit?: (candidate: string) => number;
  /** Accepts or rejects a candidate (checksum, ranges). Default: accept. */
  readonly validate?: (value: string) => boolean;
  /** Words that must appear shortly before the value (case-insensitive). */
  readonly context?: RegExp;
  /** How far before the value context words are looked for (characters, default 48). */
  readonly contextWindow?: number;
}

/**
 * What recognisers need of a text, counted in one pass: its ASCII digits
 * and its longest run of token characters. Most prose has neither digits
 * nor 16-character tokens, so most patterns never run on it.
 */
export interface TextShape {
  readonly digits: number;
  readonly longestRun: number;
}

/** Per ASCII code: 0 other, 1 token character, 3 digit (a token character whose bit 1 counts digits). */
const CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = 3;
for (let c = 65; c <= 90; c++) CLASS[c] = 1;
for (let c = 97; c <= 122; c++) CLASS[c] = 1;
for (const ch of '_+/=-') CLASS[ch.charCodeAt(0)] = 1;

export function shapeOf(text: string): TextShape {
  let digits = 0;
  let run = 0;
  let longestRun = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const k = c < 128 ? (CLASS[c] as number) : 0;
    if (k === 0) {
      if (run > longestRun) longestRun = run;
      run = 0;
    } else {
      run++;
      digits += k >> 1;
    }
  }
  return { digits, longestRun: run > longestRun ? run : longestRun };
}

/** Digits of `s` (separators dropped). */
export function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}

export function runRecogniser(r: Recogniser, text: string, out: SensitiveMatch[], shape: TextShape = shapeOf(text)): void {
  // Preconditions first: most texts hold no digits, no long token, no '@', no context word; then the costly pattern never runs.
  if (r.minDigits !== undefined && shape.digits < r.minDigits) return;
  if (r.minRun !== undefined && shape.longestRun < r.minRun) return;
  if (r.hint !== undefined && !(typeof r.hint === 'function' ? r.hint(text) : r.hint.test(text))) return;
  if (r.context !== undefined) {
    r.context.lastIndex = 0;
    if (!r.context.test(text)) return;
  }
  // exec on the shared pattern: matchAll would copy the RegExp on every call.
  const re = r.pattern;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0] === '') re.lastIndex++; // as matchAll does: an empty match must not stall the loop
    const start = m.index;
    const value = r.fit === undefined ? m[0] : m[0].slice(0, r.fit(m[0]));
    if (value === '') continue;
    if (r.validate !== undefined && !r.validate(value)) continue;
    if (r.context !== undefined) {
      const window = text.slice(Math.max(0, start - (r.contextWindow ?? 48)), start);
      r.context.lastIndex = 0;
      if (!r.context.test(window)) continue;
    }
    out.push({ category: r.category, type: r.type, start, end: start + value.length });
  }
}
