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
  /** Length of the value at the start of a candidate when the pattern may run past it (an IBAN followed by a word). */
  readonly fit?: (candidate: string) => number;
  /** Accepts or rejects a candidate (checksum, ranges). Default: accept. */
  readonly validate?: (value: string) => boolean;
  /** Words that must appear shortly before the value (case-insensitive). */
  readonly context?: RegExp;
  /** How far before the value context words are looked for (characters, default 48). */
  readonly contextWindow?: number;
}

/** Digits of `s` (separators dropped). */
export function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}

export function runRecogniser(r: Recogniser, text: string, out: SensitiveMatch[]): void {
  // Preconditions first: most texts hold no '@', no context word, no colon pair; then the costly pattern never runs.
  if (r.hint !== undefined && !(typeof r.hint === 'function' ? r.hint(text) : r.hint.test(text))) return;
  if (r.context !== undefined) {
    r.context.lastIndex = 0;
    if (!r.context.test(text)) return;
  }
  r.pattern.lastIndex = 0;
  for (const m of text.matchAll(r.pattern)) {
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
