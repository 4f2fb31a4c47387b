/**
 * A lexical view of a Jinja template, the way jinja2 (not the JS parser)
 * tokenizes it: comments and `{% raw %}` blocks are skipped, and string
 * literals are decoded with Python's escapes (`\x5f`, `\137`, `\u005f`,
 * `\N{LOW LINE}`), so obfuscated names are seen as jinja2 will see them.
 *
 * It runs on every template, beside the AST analysis, to cover the places
 * where @huggingface/jinja and jinja2 disagree (the JS lexer rejects octal
 * escapes that jinja2 accepts, for example), and alone when the JS parser
 * cannot parse the template.
 */

export interface LexToken {
  kind: 'name' | 'string' | 'op';
  value: string;
  /** Character offset in the template. */
  pos: number;
  /** For strings: whether an escape sequence produced part of the value. */
  escaped?: boolean;
}

const NAME_START = /[A-Za-z_\p{L}]/u;
const NAME_PART = /[A-Za-z0-9_\p{L}\p{N}]/u;
const RAW_OPEN = /\{%[-+]?\s*raw\s*[-+]?%\}/y;
const RAW_CLOSE = /\{%[-+]?\s*endraw\s*[-+]?%\}/g;

/** The few Unicode names that spell characters useful in obfuscation; others stay undecoded. */
const UNICODE_NAMES: Record<string, string> = {
  'LOW LINE': '_',
  'FULL STOP': '.',
  'LEFT SQUARE BRACKET': '[',
  'RIGHT SQUARE BRACKET': ']',
};

/** Tokens inside `{{ }}` and `{% %}` (never text or comments). */
export function lexTemplate(src: string): LexToken[] {
  const out: LexToken[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{', i);
    if (open < 0) break;
    const next = src[open + 1];
    if (next === '#') {
      const close = src.indexOf('#}', open + 2);
      i = close < 0 ? src.length : close + 2;
      continue;
    }
    if (next !== '{' && next !== '%') {
      i = open + 1;
      continue;
    }
    if (next === '%') {
      RAW_OPEN.lastIndex = open;
      if (RAW_OPEN.test(src)) {
        RAW_CLOSE.lastIndex = RAW_OPEN.lastIndex;
        const m = RAW_CLOSE.exec(src);
        i = m === null ? src.length : m.index + m[0].length;
        continue;
      }
    }
    i = lexTag(src, open + 2, next === '{' ? '}}' : '%}', out);
  }
  return out;
}

/** Tokenizes one tag body from `start`; returns the index after the closing delimiter. */
function lexTag(src: string, start: number, close: string, out: LexToken[]): number {
  let i = start;
  while (i < src.length) {
    const c = src[i] as string;
    if (src.startsWith(close, i) || (c === '-' && src.startsWith(close, i + 1)) || (c === '+' && src.startsWith(close, i + 1))) {
      return src.indexOf(close, i) + 2;
    }
    if (c === "'" || c === '"') {
      const s = readString(src, i);
      out.push({ kind: 'string', value: s.value, pos: i, escaped: s.escaped });
      i = s.end;
      continue;
    }
    if (NAME_START.test(c)) {
      let j = i + 1;
      while (j < src.length && NAME_PART.test(src[j] as string)) j++;
      out.push({ kind: 'name', value: src.slice(i, j), pos: i });
      i = j;
      continue;
    }
    if (/\s/.test(c) || /[0-9]/.test(c)) {
      i++;
      continue;
    }
    out.push({ kind: 'op', value: c, pos: i });
    i++;
  }
  return i;
}

/** A jinja2 string literal starting at `start` (the quote), decoded like Python's unicode-escape. */
function readString(src: string, start: number): { value: string; end: number; escaped: boolean } {
  const q = src[start];
  let i = start + 1;
  let out = '';
  let escaped = false;
  while (i < src.length && src[i] !== q) {
    const c = src[i] as string;
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = src[i + 1];
    if (e === undefined) {
      i++;
      break;
    }
    const r = decodeEscape(src, i);
    if (r.decoded) escaped = true;
    out += r.text;
    i = r.end;
  }
  return { value: out, end: Math.min(src.length, i + 1), escaped };
}

const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07', '\\': '\\', "'": "'", '"': '"', '\n': '' };

function decodeEscape(src: string, i: number): { text: string; end: number; decoded: boolean } {
  const e = src[i + 1] as string;
  const simple = SIMPLE[e];
  if (simple !== undefined) return { text: simple, end: i + 2, decoded: false };
  const hex = (n: number): { text: string; end: number; decoded: boolean } | undefined => {
    const h = src.slice(i + 2, i + 2 + n);
    if (h.length !== n || !/^[0-9a-fA-F]+$/.test(h)) return undefined;
    const cp = parseInt(h, 16);
    return cp <= 0x10ffff ? { text: String.fromCodePoint(cp), end: i + 2 + n, decoded: true } : undefined;
  };
  if (e === 'x') return hex(2) ?? { text: '\\x', end: i + 2, decoded: false };
  if (e === 'u') return hex(4) ?? { text: '\\u', end: i + 2, decoded: false };
  if (e === 'U') return hex(8) ?? { text: '\\U', end: i + 2, decoded: false };
  if (/[0-7]/.test(e)) {
    const m = /^[0-7]{1,3}/.exec(src.slice(i + 1, i + 4)) as RegExpExecArray;
    return { text: String.fromCharCode(parseInt(m[0], 8) & 0x1ff), end: i + 1 + m[0].length, decoded: true };
  }
  if (e === 'N' && src[i + 2] === '{') {
    const close = src.indexOf('}', i + 3);
    if (close > 0) {
      const name = src.slice(i + 3, close).toUpperCase();
      return { text: UNICODE_NAMES[name] ?? `\\N{${name}}`, end: close + 1, decoded: true };
    }
  }
  // Python keeps unknown escapes as written.
  return { text: `\\${e}`, end: i + 2, decoded: false };
}
