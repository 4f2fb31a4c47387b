/**
 * A pattern rule: a stable id `<category>/<what>`, the evidence it adds
 * (a logit: 0 is even odds, each +1 multiplies the odds of an attack by
 * e), a one-line title, and a regular expression over a normalised view
 * (lower case, folded, whitespace collapsed; see `normalize.ts`).
 * Rules describe what an attack does (override, spoof, extract, adopt a
 * persona, exfiltrate, address an assistant from inside a document), not
 * particular attack strings.
 */
import type { RuleCategory } from '../types.js';

export interface PatternRule {
  readonly id: string;
  readonly category: RuleCategory;
  readonly weight: number;
  readonly title: string;
  readonly pattern: RegExp;
  /** Substrings of which at least one must occur for the pattern to match (a cheap gate before the regular expression). */
  readonly anchors: readonly string[] | undefined;
}

/** Builds a rule; `source` is joined from parts so long alternations stay readable. */
export function rule(id: string, weight: number, title: string, source: string | readonly string[], anchors?: readonly string[]): PatternRule {
  const src = typeof source === 'string' ? source : source.join('');
  const category = id.slice(0, id.indexOf('/')) as RuleCategory;
  return { id, category, weight, title, pattern: new RegExp(src, 'g'), anchors };
}

/** True when the rule's gate lets `text` through (the definition; `detect/anchors.ts` decides it for every rule in one pass). */
export function passesGate(r: PatternRule, text: string): boolean {
  if (r.anchors === undefined) return true;
  for (const a of r.anchors) if (text.includes(a)) return true;
  return false;
}

/** Alternation of words, as a non-capturing group. */
export function any(...words: readonly string[]): string {
  return `(?:${words.join('|')})`;
}
