/**
 * Character-level hygiene for text headed to a model (PyTorch's "validation:
 * strict rules on characters"):
 * - lone surrogates (a JSON `\ud800` escape decodes to one; the upstream's
 *   UTF-8 encoder would fail or substitute) are always refused;
 * - Unicode tag characters U+E0000-E007F render as nothing and carry hidden
 *   ASCII instructions ("ASCII smuggling", Goodside 2024);
 * - bidirectional controls reorder what a reviewer sees (Trojan Source,
 *   CVE-2021-42574);
 * - invisible characters (zero-width spaces and joiners, soft hyphen,
 *   variation selectors, Hangul fillers, other controls) split words so
 *   filters and detectors miss them;
 * - NFKC folds compatibility forms (fullwidth, mathematical alphanumerics,
 *   ligatures) to what they look like.
 * Each class is rejected or stripped per route; NFKC is applied last, on
 * what is forwarded.
 */
import type { UnicodeAction } from '../config/types.js';

const TAGS = /[\u{E0000}-\u{E007F}]/gu;
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;
// Zero-width and formatting characters, variation selectors, fillers, and C0/C1 controls except tab, LF, CR.
// Matching these control and combining characters is the point of the class.
const INVISIBLE =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200D\u2060-\u2064\u206A-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB\u{1D173}-\u{1D17A}\u{E0100}-\u{E01EF}]/gu;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `s` holds a UTF-16 surrogate without its pair (String.prototype.isWellFormed, before ES2024 typings). */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

export interface UnicodePolicy {
  readonly invisible: UnicodeAction;
  readonly bidi: UnicodeAction;
  readonly tags: UnicodeAction;
  readonly nfkc: boolean;
}

export interface CleanText {
  readonly text: string;
  /** Rule ids of what was found (`text/tag-characters`...), whether stripped or to be refused. */
  readonly found: readonly string[];
  /** The rule that requires refusing the text, if any. */
  readonly reject: string | undefined;
}

/** Fast path: plain printable ASCII plus tab/newline needs none of the work below. */
const PLAIN = /^[\t\n\r\x20-\x7E]*$/;

export function cleanText(input: string, policy: UnicodePolicy): CleanText {
  if (PLAIN.test(input)) return { text: input, found: [], reject: undefined };
  if (hasLoneSurrogate(input)) return { text: input, found: ['text/lone-surrogate'], reject: 'text/lone-surrogate' };
  const found: string[] = [];
  let reject: string | undefined;
  let text = input;
  const apply = (re: RegExp, rule: string, action: UnicodeAction): void => {
    re.lastIndex = 0;
    if (!re.test(text)) return;
    found.push(rule);
    if (action === 'reject') reject ??= rule;
    else text = text.replace(re, '');
  };
  apply(TAGS, 'text/tag-characters', policy.tags);
  apply(BIDI, 'text/bidi-control', policy.bidi);
  apply(INVISIBLE, 'text/invisible', policy.invisible);
  if (policy.nfkc) {
    const n = text.normalize('NFKC');
    if (n !== text) found.push('text/nfkc');
    text = n;
    // NFKC can produce characters of the classes above from compatibility forms; strip them again.
    if (policy.invisible === 'strip') text = text.replace(INVISIBLE, '');
  }
  return { text, found, reject };
}
