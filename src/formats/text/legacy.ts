/**
 * Text in legacy encodings (model cards and label files written on
 * Windows or by older tools): the Windows code pages, KOI8-R, Shift_JIS,
 * EUC-JP, GB18030 (a superset of GBK), Big5 and EUC-KR, told apart by what
 * their bytes decode to. Decoding is WHATWG's (`TextDecoder`, fatal for
 * the double-byte sets, whose lead/trail rules reject most binary); a
 * single-byte code page decodes anything, so the decoded characters must
 * also look like writing: letters of the code page's script, words in one
 * case pattern (`Привет`, not `Ïðèâåò`), the script's common letters, and
 * the usual typography (quotes, dashes, the euro sign).
 *
 * The label is a best guess (Greek and Cyrillic share a layout, GBK text
 * within GB2312 is also valid Big5); the decision that matters, text or
 * not, is the same for every candidate that scores.
 */
import { ModelguardError } from '../../errors.js';
import { decodeCp1252 } from './cp1252.js';

export type LegacyEncoding =
  | 'windows-1252'
  | 'windows-1250'
  | 'windows-1251'
  | 'koi8-r'
  | 'windows-1253'
  | 'windows-1255'
  | 'windows-1256'
  | 'windows-874'
  | 'shift_jis'
  | 'euc-jp'
  | 'gb18030'
  | 'big5'
  | 'euc-kr';

interface Candidate {
  encoding: LegacyEncoding;
  /** Letters of the script the encoding writes. */
  script: RegExp;
  /** The script's most frequent letters (lower case), for telling look-alike layouts apart. */
  common: string;
  /** Share of letters in running text that are among `common`. */
  expected: number;
  /** Double-byte: decoded fatally, so invalid sequences rule it out. */
  multibyte: boolean;
}

const HAN_KANA = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30fc\u3005]/u;

const CANDIDATES: readonly Candidate[] = [
  { encoding: 'shift_jis', script: HAN_KANA, common: 'のにはをたがでてとしれさい', expected: 0.2, multibyte: true },
  { encoding: 'euc-jp', script: HAN_KANA, common: 'のにはをたがでてとしれさい', expected: 0.2, multibyte: true },
  { encoding: 'euc-kr', script: /[\p{Script=Hangul}]/u, common: '이다는의에가을하고서한지', expected: 0.2, multibyte: true },
  { encoding: 'gb18030', script: /[\p{Script=Han}]/u, common: '的一是不了人我在有他这中大来上个国和们为', expected: 0.15, multibyte: true },
  { encoding: 'big5', script: /[\p{Script=Han}]/u, common: '的一是不了人我在有他這中大來上個國和們為', expected: 0.15, multibyte: true },
  { encoding: 'windows-1252', script: /\p{Script=Latin}/u, common: 'éèàçêâôîûëïüöäßñóíúáåøæãõ', expected: 0.4, multibyte: false },
  { encoding: 'windows-1250', script: /\p{Script=Latin}/u, common: 'áéíóúýčďěňřšťžůąęłńśźżőű', expected: 0.4, multibyte: false },
  { encoding: 'windows-1251', script: /\p{Script=Cyrillic}/u, common: 'оеаинтсрвлкмдпуяыь', expected: 0.4, multibyte: false },
  { encoding: 'koi8-r', script: /\p{Script=Cyrillic}/u, common: 'оеаинтсрвлкмдпуяыь', expected: 0.4, multibyte: false },
  { encoding: 'windows-1253', script: /\p{Script=Greek}/u, common: 'αοιετσνηυρπκμλωάέίόήύώς', expected: 0.4, multibyte: false },
  { encoding: 'windows-1255', script: /\p{Script=Hebrew}/u, common: 'יוהלרמאתבנשעכדק', expected: 0.4, multibyte: false },
  { encoding: 'windows-1256', script: /\p{Script=Arabic}/u, common: 'الیمونهربتکدسعف', expected: 0.4, multibyte: false },
  { encoding: 'windows-874', script: /\p{Script=Thai}/u, common: 'านรอกเงมยลทดสวบ', expected: 0.4, multibyte: false },
];

/** Non-letters that ordinary text carries in legacy encodings. */
const TYPOGRAPHY = new Set(
  '\u00a0‘’‚“”„–—…•€£¥©®°±·×÷«»¡¿§¶™‰′″½¼¾²³µ¢¤\u3000、。，．・：；？！「」『』（）【】〈〉《》〔〕～－＋＝＜＞％＆＊＠＃＄｜￥'.split(''),
);
const LETTER = /[\p{L}\p{M}]/u;
/** Scripts with case whose letters are all outside ASCII. */
const CASED_NON_LATIN = /Cyrillic|Greek/;
/** Letters of such a script seen before the absence of capitals counts against it. */
const MIN_LETTERS_FOR_CASE = 20;

/** Non-ASCII characters after which writing must use at least `MIN_DISTINCT` different ones. */
const MIN_NON_ASCII_FOR_VARIETY = 16;
const MIN_DISTINCT = 3;

/** Decoded text this plausible (0..1) is taken as writing in the candidate's script. */
const MIN_SCORE = 0.55;
/** Share of non-ASCII characters that must be letters or typography, whatever the script. */
const MIN_TEXTY = 0.9;
/** Inputs shorter than this need `MIN_NON_ASCII_SHORT` non-ASCII characters before a guess is made (`#\xff\xfe` is no evidence). */
const SHORT_INPUT = 16;
const MIN_NON_ASCII_SHORT = 4;
/** Added to a double-byte candidate that decodes (fatally) to its script. */
const MULTIBYTE_BONUS = 0.3;

export interface Decoder {
  decode(bytes: Uint8Array, options?: { stream?: boolean }): string;
}

const decoders = new Map<LegacyEncoding, Decoder>();

/** The decoder for `c` (windows-1252 through `decodeCp1252`: Node's own decodes ISO-8859-1). */
export function decoder(c: Candidate): Decoder {
  let d = decoders.get(c.encoding);
  if (d === undefined) {
    d = c.encoding === 'windows-1252' ? { decode: decodeCp1252 } : new TextDecoder(c.encoding, { fatal: c.multibyte });
    decoders.set(c.encoding, d);
  }
  return d;
}

/** Decodes `bytes` with `c`; a head cut inside a double-byte character is retried without its last bytes. */
function decode(c: Candidate, bytes: Uint8Array, complete: boolean): string | undefined {
  const d = decoder(c);
  const cuts = complete || !c.multibyte ? 0 : 3;
  for (let cut = 0; cut <= cuts; cut++) {
    try {
      return d.decode(bytes.subarray(0, bytes.length - cut));
    } catch {
      // invalid sequence (or a character cut at the end of a head): try a shorter head
    }
  }
  return undefined;
}

export interface LegacyScore {
  /** Whether the text reads as writing in the script (0..1, plus a bonus for double-byte sets): letters of the script, one case pattern per word, its common letters. */
  score: number;
  /** `score` with the signals that only tell look-alike code pages apart (for choosing among candidates that pass). */
  rank: number;
  /** Non-ASCII characters that are letters or typography, over all non-ASCII characters. */
  texty: number;
  nonAscii: number;
}

const LETTER_FLAG = 1;
const SCRIPT_FLAG = 2;
const COMMON_FLAG = 4;
const TYPO_FLAG = 8;
const UPPER_FLAG = 16;
const LOWER_FLAG = 32;
const BAD_FLAG = 64;

/** Per candidate, what each non-ASCII character is (classified once: text repeats its characters). */
const classes = new Map<LegacyEncoding, Map<number, number>>();

function classOf(c: Candidate, cp: number): number {
  let table = classes.get(c.encoding);
  if (table === undefined) {
    table = new Map();
    classes.set(c.encoding, table);
  }
  let f = table.get(cp);
  if (f !== undefined) return f;
  const ch = String.fromCodePoint(cp);
  f = 0;
  // C1 controls (bytes a code page leaves undefined) and replacement characters: not text in this encoding.
  if (cp <= 0x9f || cp === 0xfffd) f = BAD_FLAG;
  else if (LETTER.test(ch)) {
    f = LETTER_FLAG;
    if (c.script.test(ch)) f |= SCRIPT_FLAG;
    if (c.common.includes(ch.toLowerCase())) f |= COMMON_FLAG;
    if (ch !== ch.toLowerCase()) f |= UPPER_FLAG;
    if (ch !== ch.toUpperCase()) f |= LOWER_FLAG;
  } else if (TYPOGRAPHY.has(ch)) f = TYPO_FLAG;
  if (table.size < MAX_CLASSIFIED) table.set(cp, f);
  return f;
}

/** Distinct characters remembered per candidate (CWE-400). */
const MAX_CLASSIFIED = 65536;

/** Case pattern of the word being read (letters only): one case, or Capitalised, is coherent. */
interface Word {
  length: number;
  high: boolean;
  upper: number;
  lower: number;
  firstLower: boolean;
  laterUpper: boolean;
}

/** How much `text` (decoded with `c`) looks like writing in `c`'s script. */
export function scoreDecoded(c: Candidate, text: string): LegacyScore | undefined {
  let nonAscii = 0;
  let texty = 0;
  let script = 0;
  let common = 0;
  let letters = 0;
  let asciiLetters = 0;
  let upper = 0;
  let words = 0;
  let coherent = 0;
  const distinct = new Set<number>();
  const w: Word = { length: 0, high: false, upper: 0, lower: 0, firstLower: false, laterUpper: false };
  const endWord = (): void => {
    if (w.length >= 2 && w.high) {
      words++;
      if (w.upper === 0 || w.lower === 0 || (!w.firstLower && !w.laterUpper)) coherent++;
    }
    w.length = 0;
    w.high = false;
    w.upper = 0;
    w.lower = 0;
    w.firstLower = false;
    w.laterUpper = false;
  };
  const letter = (isUpper: boolean, isLower: boolean, high: boolean): void => {
    if (w.length === 0) w.firstLower = isLower;
    else if (isUpper) w.laterUpper = true;
    if (isUpper) w.upper++;
    if (isLower) w.lower++;
    if (high) w.high = true;
    w.length++;
  };
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp < 0x80) {
      const isUpper = cp >= 0x41 && cp <= 0x5a;
      const isLower = cp >= 0x61 && cp <= 0x7a;
      if (isUpper || isLower) {
        asciiLetters++;
        letter(isUpper, isLower, false);
      } else endWord();
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      cp = text.codePointAt(i) as number;
      if (cp > 0xffff) i++;
    }
    const f = classOf(c, cp);
    if (f === BAD_FLAG) return undefined;
    nonAscii++;
    if (distinct.size < MIN_DISTINCT) distinct.add(cp);
    if ((f & LETTER_FLAG) !== 0) {
      letters++;
      texty++;
      if ((f & SCRIPT_FLAG) !== 0) script++;
      if ((f & COMMON_FLAG) !== 0) common++;
      if ((f & UPPER_FLAG) !== 0) upper++;
      letter((f & UPPER_FLAG) !== 0, (f & LOWER_FLAG) !== 0, true);
    } else {
      if ((f & TYPO_FLAG) !== 0) texty++;
      endWord();
    }
  }
  endWord();
  if (nonAscii === 0) return { score: 1, rank: 1, texty: 1, nonAscii };
  // One or two characters over and over (a run of 0x80 read as Ђ, of 0x91 0x91 as one kanji) is a fill pattern, not writing.
  if (nonAscii >= MIN_NON_ASCII_FOR_VARIETY && distinct.size < MIN_DISTINCT) return { score: 0, rank: 0, texty: 0, nonAscii };
  const coherence = c.multibyte || words === 0 ? 1 : coherent / words;
  const scriptShare = letters === 0 ? 0 : script / letters;
  const commonShare = letters === 0 ? 0 : Math.min(1, common / letters / c.expected);
  let score = coherence * (0.6 * scriptShare + 0.4 * commonShare);
  // A double-byte set's lead/trail rules reject most text in other encodings: decoding at all is evidence.
  if (c.multibyte && scriptShare >= 0.8) score += MULTIBYTE_BONUS;
  // Typography only: smart quotes in English text, so the English letters must be there (a run of 0x91 bytes is no prose).
  if (letters === 0) score = texty === nonAscii && asciiLetters >= nonAscii ? 0.6 : 0;
  let rank = score;
  // Cyrillic and Greek prose mixes capitals and small letters; a caseless script read in their layout (Hebrew in
  // windows-1251 or KOI8-R) comes out in one case only. (Ranking only: label files are often all lower case.)
  if (CASED_NON_LATIN.test(c.script.source) && script >= MIN_LETTERS_FOR_CASE && (upper === 0 || upper === letters)) rank *= 0.5;
  // Latin code pages put accents inside mostly-ASCII words; text whose letters are nearly all high bytes is another script.
  if (c.script.source.includes('Latin') && letters > asciiLetters) rank *= 0.3;
  return { score, rank, texty: texty / nonAscii, nonAscii };
}

export interface LegacyGuess {
  encoding: LegacyEncoding;
  /** The candidate's rank (see `LegacyScore`). */
  score: number;
}

/**
 * The legacy encoding `bytes` reads best in, or undefined when no candidate
 * decodes to plausible writing. `bytes` must already be free of control
 * bytes other than whitespace and ESC, and not valid UTF-8.
 */
export function guessLegacy(bytes: Uint8Array, complete: boolean): LegacyGuess | undefined {
  let best: LegacyGuess | undefined;
  for (const c of CANDIDATES) {
    const text = decode(c, bytes, complete);
    if (text === undefined) continue;
    const s = scoreDecoded(c, text);
    if (s === undefined || s.nonAscii === 0 || s.texty < MIN_TEXTY || s.score < MIN_SCORE) continue;
    if (bytes.length < SHORT_INPUT && s.nonAscii < MIN_NON_ASCII_SHORT) continue;
    if (best === undefined || s.rank > best.score) best = { encoding: c.encoding, score: s.rank };
  }
  return best;
}

/** The candidate table entry for `encoding` (for streaming checks of a whole file). */
export function legacyCandidate(encoding: LegacyEncoding): Candidate {
  const c = CANDIDATES.find((x) => x.encoding === encoding);
  if (c === undefined) throw new ModelguardError('E_USAGE', `unknown legacy encoding ${encoding}`);
  return c;
}

export type { Candidate as LegacyCandidate };
