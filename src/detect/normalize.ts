/**
 * Normalisation: the views rules and the model read.
 *
 * `text`: per code point NFKC (fullwidth, mathematical and circled letters,
 * ligatures), Latin diacritics dropped, lower case; invisible characters
 * removed; tag characters read as the ASCII they mirror; whitespace runs
 * collapsed (a line break kept as one); then, inside words that mix Latin
 * with Cyrillic or Greek letters, the look-alikes folded to Latin.
 * `leet`: digits and symbols inside letter words read as letters (`1gn0r3`).
 * `despaced`: letters spread out by single separators joined (`i g n o r e`).
 * Derived views are returned only when they differ from `text`.
 */
import { MAX_ANALYSED_CHARS } from './limits.js';
import { CONFUSABLES, LEET, isInvisible, isJoiner, isLatinDiacritic, isTag, tagToAscii } from './unicode.js';
import { ViewBuilder, type View } from './view.js';

export interface Normalised {
  readonly views: readonly View[];
  /** Tag characters found (ASCII smuggling). */
  readonly tagChars: number;
  /** Invisible characters found between letters. */
  readonly hiddenSplits: number;
  /** Words that mixed Latin with look-alike letters. */
  readonly mixedScriptWords: number;
  /** The input was longer than `MAX_ANALYSED_CHARS`: head and tail analysed. */
  readonly truncated: boolean;
}

const LETTER = /\p{L}/u;

function isSpace(c: number): boolean {
  return (
    c === 0x20 ||
    c === 0x09 ||
    c === 0x0a ||
    c === 0x0d ||
    c === 0x0b ||
    c === 0x0c ||
    c === 0xa0 ||
    c === 0x3000 ||
    c === 0x85 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029
  );
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

interface Folded {
  readonly out: string;
  readonly isLetter: boolean;
}

/** Code points folded so far: text in a non-Latin script repeats a few thousand of them (bounded: CWE-770). */
const folded = new Map<number, Folded>();
const MAX_FOLDED = 8192;

/** One code point's reading: NFKC, Latin diacritics dropped, lower case. */
function fold(cp: number): Folded {
  const known = folded.get(cp);
  if (known !== undefined) return known;
  let out = String.fromCodePoint(cp).normalize('NFKC');
  // Diacritics are dropped from Latin letters only: Cyrillic й and Devanagari stay whole.
  const d = out.normalize('NFD');
  if (d !== out && isAsciiLetter(d.charCodeAt(0))) {
    let kept = '';
    for (const x of d) if (!isLatinDiacritic(x.codePointAt(0) ?? 0)) kept += x;
    out = kept;
  }
  out = out.toLowerCase();
  const f = { out, isLetter: LETTER.test(out) };
  if (folded.size < MAX_FOLDED) folded.set(cp, f);
  return f;
}

function baseView(text: string, offset: number, b: ViewBuilder, counts: { tags: number; splits: number }, wide: Set<number>): void {
  let prevLetter = false;
  let pendingSplit = false;
  let run = -1;
  const flush = (end: number): void => {
    if (run >= 0) b.pushRun(text.slice(run, end).toLowerCase(), offset + run);
    run = -1;
  };
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    // Fast path: printable ASCII, and a single space between two of them, copied as runs.
    if (c < 0x80 && c > 0x20 && c !== 0x7f) {
      const letter = isAsciiLetter(c);
      if (pendingSplit && letter) counts.splits++;
      pendingSplit = false;
      prevLetter = letter;
      if (run < 0) run = i;
      i++;
      continue;
    }
    if (c === 0x20 && run >= 0 && i + 1 < text.length && !isSpace(text.charCodeAt(i + 1))) {
      prevLetter = false;
      pendingSplit = false;
      i++;
      continue;
    }
    flush(i);
    const cp = text.codePointAt(i) ?? 0;
    const w = cp > 0xffff ? 2 : 1;
    const at = offset + i;
    i += w;
    if (isTag(cp)) {
      counts.tags++;
      b.push(tagToAscii(cp).toLowerCase(), at, at + w);
      continue;
    }
    if (isInvisible(cp) || isJoiner(cp)) {
      if (prevLetter) pendingSplit = true;
      continue;
    }
    if (isSpace(cp) || cp < 0x20 || cp === 0x7f) {
      const nl = cp === 0x0a || cp === 0x0d || cp === 0x2028 || cp === 0x2029 || cp === 0x85;
      const last = b.last();
      prevLetter = false;
      pendingSplit = false;
      if (last === '\n' || b.length === 0) continue;
      if (last === ' ') {
        if (nl) b.push('\n', at, at + w);
        else wide.add(b.length - 1);
        continue;
      }
      b.push(nl ? '\n' : ' ', at, at + w);
      continue;
    }
    const { out, isLetter } = fold(cp);
    if (pendingSplit && isLetter) counts.splits++;
    pendingSplit = false;
    prevLetter = isLetter;
    b.push(out, at, at + w);
  }
  flush(text.length);
}

const HAS_LATIN = /[a-z]/;
const HAS_LOOKALIKE = /[\u0370-\u03ff\u0400-\u052f\u0261]/;

/** Folds look-alike letters inside words that also hold Latin letters; length-preserving. */
function foldMixedScript(v: View): { view: View; words: number } {
  let words = 0;
  if (!HAS_LOOKALIKE.test(v.text)) return { view: v, words };
  const text = v.text.replace(/[^\s]+/g, (word) => {
    if (!HAS_LATIN.test(word) || !HAS_LOOKALIKE.test(word)) return word;
    let out = '';
    for (const c of word) out += c.length === 1 ? (CONFUSABLES.get(c) ?? c) : c;
    if (out.length !== word.length || out === word) return word;
    words++;
    return out;
  });
  return { view: { ...v, text }, words };
}

const LEET_WORD = /[^\s]+/g;

const LEET_HINT = /[a-z][0-9@$!|€]|[0-9@$!|€][a-z]/;

function leetView(v: View): View | undefined {
  if (!LEET_HINT.test(v.text)) return undefined;
  const text = v.text.replace(LEET_WORD, (word) => {
    // Rewritten: words of two or more units with a Latin letter and a leet character (a word of digits stays a number).
    if (word.length < 2) return word;
    let letter = false;
    let leet = false;
    for (let i = 0; i < word.length && !(letter && leet); i++) {
      const c = word.charCodeAt(i);
      if (c >= 0x61 && c <= 0x7a) letter = true;
      else if (LEET.has(word.charAt(i))) leet = true;
    }
    if (!letter || !leet) return word;
    let out = '';
    for (const c of word) out += LEET.get(c) ?? c;
    return out;
  });
  return text !== v.text ? { ...v, name: 'leet', text } : undefined;
}

/** Four or more single letters, each followed by one separator: `i g n o r e`, `i.g.n.o.r.e`, `i-g-n-o-r-e`. */
const SPREAD = /(?<![\p{L}\p{N}])(?:\p{L}[ .\-_*/|]){3,}\p{L}(?![\p{L}\p{N}])/gu;

/** `wide`: view offsets of spaces that stood for a run of several (the word gaps of `i g n o r e   a l l`). */
function despacedView(v: View, wide: ReadonlySet<number>): View | undefined {
  SPREAD.lastIndex = 0;
  if (!SPREAD.test(v.text)) return undefined;
  SPREAD.lastIndex = 0;
  const b = new ViewBuilder();
  let pos = 0;
  for (const m of v.text.matchAll(SPREAD)) {
    for (let i = pos; i < m.index; i++) b.push(v.text.charAt(i), v.from[i] ?? 0, v.to[i] ?? 0);
    for (let i = m.index; i < m.index + m[0].length; i += 2) {
      b.push(v.text.charAt(i), v.from[i] ?? 0, v.to[i] ?? 0);
      if (wide.has(i + 1)) b.push(' ', v.from[i + 1] ?? 0, v.to[i + 1] ?? 0);
    }
    pos = m.index + m[0].length;
  }
  for (let i = pos; i < v.text.length; i++) b.push(v.text.charAt(i), v.from[i] ?? 0, v.to[i] ?? 0);
  return b.build('despaced');
}

export function normalise(input: string): Normalised {
  const counts = { tags: 0, splits: 0 };
  const wide = new Set<number>();
  const b = new ViewBuilder();
  const truncated = input.length > MAX_ANALYSED_CHARS;
  if (truncated) {
    const half = MAX_ANALYSED_CHARS / 2;
    baseView(input.slice(0, half), 0, b, counts, wide);
    b.push('\n', half, half);
    baseView(input.slice(input.length - half), input.length - half, b, counts, wide);
  } else {
    baseView(input, 0, b, counts, wide);
  }
  const folded = foldMixedScript(b.build('text'));
  const views: View[] = [folded.view];
  const leet = leetView(folded.view);
  if (leet !== undefined) views.push(leet);
  const spread = despacedView(folded.view, wide);
  if (spread !== undefined) views.push(spread);
  return { views, tagChars: counts.tags, hiddenSplits: counts.splits, mixedScriptWords: folded.words, truncated };
}
