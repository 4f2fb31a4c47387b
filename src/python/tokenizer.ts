/**
 * A bounded Python tokenizer: logical lines with INDENT/DEDENT, implicit
 * joining inside brackets and explicit `\` continuations, comments
 * dropped, string prefixes (`r`, `b`, `u`, `f` and their pairs), triple
 * quotes, f-string replacement fields (their expressions handed on as
 * source for the parser), numbers in every base with underscores. Never
 * evaluates anything. Errors are `PySyntaxError`; limits `PyLimitError`.
 */
import { PyLimitError, PySyntaxError } from './errors.js';
import { MAX_BRACKET_DEPTH, MAX_INDENT_DEPTH, MAX_SOURCE_CHARS, MAX_TOKENS } from './limits.js';
import { decodeEscapes, isStringPrefix, splitFString } from './strings.js';
import type { Token, TokenKind } from './tokens.js';

/** Operators, longest first (so `**=` wins over `**` and `*`). */
const OPERATORS = [
  '**=',
  '//=',
  '>>=',
  '<<=',
  '...',
  '->',
  ':=',
  '**',
  '//',
  '>>',
  '<<',
  '<=',
  '>=',
  '==',
  '!=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '@=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '@',
  '&',
  '|',
  '^',
  '~',
  '<',
  '>',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '.',
  ';',
  '=',
];
const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const NAME_START = /[A-Za-z_\u0080-\uffff]/;
const NAME_REST = /[A-Za-z0-9_\u0080-\uffff]*/y;
const NUMBER =
  /(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:(?:[0-9](?:_?[0-9])*)?\.[0-9](?:_?[0-9])*|[0-9](?:_?[0-9])*\.?)(?:[eE][+-]?[0-9](?:_?[0-9])*)?[jJ]?)/y;
/** Replacement fields kept per f-string (CWE-400). */
const MAX_FIELDS = 4096;

export interface TokenizeOptions {
  /** Tokenize an expression (an f-string field): no INDENT/DEDENT/NEWLINE, whitespace free. */
  expression?: boolean;
  /** Position of the first character (for f-string fields). */
  line?: number;
  col?: number;
}

export function tokenize(src: string, opts: TokenizeOptions = {}): Token[] {
  if (src.length > MAX_SOURCE_CHARS) throw new PyLimitError(`source of ${src.length} characters is over the ${MAX_SOURCE_CHARS} limit`, 1);
  const toks: Token[] = [];
  const expr = opts.expression === true;
  let line = opts.line ?? 1;
  let lineStart = 0 - ((opts.col ?? 1) - 1);
  const indents = [0];
  const brackets: string[] = [];
  let atLineStart = !expr;
  let i = 0;
  const push = (kind: TokenKind, text: string, start: number, startLine = line, startCol = start - lineStart + 1, extra: Partial<Token> = {}): void => {
    if (toks.length >= MAX_TOKENS) throw new PyLimitError(`more than ${MAX_TOKENS} tokens`, line);
    toks.push({ kind, text, line: startLine, col: startCol, ...extra });
  };
  const fail = (msg: string, at = i): never => {
    throw new PySyntaxError(msg, line, at - lineStart + 1);
  };
  const newline = (at: number): void => {
    line++;
    lineStart = at + 1;
  };

  while (i < src.length) {
    if (atLineStart) {
      // Measure indentation of a new logical line; blank and comment-only lines do not count.
      let col = 0;
      let j = i;
      for (; j < src.length; j++) {
        const c = src[j];
        if (c === ' ') col++;
        else if (c === '\t') col = (Math.floor(col / 8) + 1) * 8;
        else if (c === '\f') col = 0;
        else break;
      }
      const c = src[j];
      if (c === '\n' || c === '\r' || c === '#' || j >= src.length) {
        i = j;
        if (c === '#') while (i < src.length && src[i] !== '\n') i++;
        if (i < src.length) {
          if (src[i] === '\r' && src[i + 1] === '\n') i++;
          newline(i);
          i++;
        }
        continue;
      }
      atLineStart = false;
      i = j;
      const top = indents[indents.length - 1] as number;
      if (col > top) {
        if (indents.length > MAX_INDENT_DEPTH) throw new PyLimitError(`more than ${MAX_INDENT_DEPTH} indentation levels`, line);
        indents.push(col);
        push('indent', '', i);
      } else if (col < top) {
        while (col < (indents[indents.length - 1] as number)) {
          indents.pop();
          push('dedent', '', i);
        }
        if (col !== indents[indents.length - 1]) fail('unindent does not match any outer indentation level');
      }
    }
    const c = src[i] as string;
    if (c === ' ' || c === '\t' || c === '\f') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n' && src[i] !== '\r') i++;
      continue;
    }
    if (c === '\\') {
      const n = src[i + 1];
      if (n === '\n' || n === '\r') {
        i += n === '\r' && src[i + 2] === '\n' ? 2 : 1;
        newline(i);
        i++;
        continue;
      }
      fail('unexpected character after line continuation character');
    }
    if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      if (brackets.length === 0 && !expr) {
        const last = toks[toks.length - 1];
        if (last !== undefined && last.kind !== 'newline' && last.kind !== 'indent' && last.kind !== 'dedent') push('newline', '', i);
        atLineStart = true;
      }
      newline(i);
      i++;
      continue;
    }
    if (NAME_START.test(c)) {
      NAME_REST.lastIndex = i + 1;
      const m = NAME_REST.exec(src);
      const end = i + 1 + (m?.[0].length ?? 0);
      const word = src.slice(i, end);
      const q = src[end];
      if ((q === "'" || q === '"') && word.length <= 2 && isStringPrefix(word)) {
        i = stringToken(src, i, end, word.toLowerCase());
        continue;
      }
      push('name', word, i);
      i = end;
      continue;
    }
    if (c === "'" || c === '"') {
      i = stringToken(src, i, i, '');
      continue;
    }
    if ((c >= '0' && c <= '9') || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(src);
      if (m === null || m[0].length === 0) fail('invalid number');
      const text = (m as RegExpExecArray)[0];
      if (/^[A-Za-z_0-9]/.test(src[i + text.length] ?? '')) fail('invalid decimal literal');
      push('number', text, i);
      i += text.length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op === undefined) fail(`invalid character '${c}' (U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`);
    const o = op as string;
    if (o in OPENERS) {
      if (brackets.length >= MAX_BRACKET_DEPTH) throw new PyLimitError(`more than ${MAX_BRACKET_DEPTH} nested brackets`, line);
      brackets.push(OPENERS[o] as string);
    } else if (o === ')' || o === ']' || o === '}') {
      const want = brackets.pop();
      if (want === undefined) fail(`unmatched '${o}'`);
      if (want !== o) fail(`closing parenthesis '${o}' does not match '${want ?? ''}'`);
    }
    push('op', o, i);
    i += o.length;
  }
  if (brackets.length > 0) fail(`'${brackets[brackets.length - 1] ?? ''}' was never closed: unexpected end of source`);
  if (!expr) {
    const last = toks[toks.length - 1];
    if (last !== undefined && last.kind !== 'newline' && last.kind !== 'dedent') push('newline', '', i);
    while (indents.length > 1) {
      indents.pop();
      push('dedent', '', i);
    }
  }
  push('end', '', i);
  return toks;

  /** Reads a string literal whose prefix starts at `start` and quote at `q`; returns the index after it. */
  function stringToken(s: string, start: number, q: number, prefix: string): number {
    const ch = s[q] as string;
    const quote = s.startsWith(ch.repeat(3), q) ? ch.repeat(3) : ch;
    const startLine = line;
    const startCol = start - lineStart + 1;
    const bodyStart = q + quote.length;
    const bodyLine = line;
    const bodyCol = bodyStart - lineStart + 1;
    let j = bodyStart;
    for (;;) {
      if (j >= s.length) fail(quote.length === 3 ? 'unterminated triple-quoted string literal' : 'unterminated string literal', start);
      const d = s[j] as string;
      if (d === '\\') {
        if (s[j + 1] === '\n') newline(j + 1);
        else if (s[j + 1] === '\r') {
          if (s[j + 2] === '\n') j++;
          newline(j + 1);
        }
        j += 2;
        continue;
      }
      if (d === '\n' || d === '\r') {
        if (quote.length === 1) fail('unterminated string literal', start);
        if (d === '\r' && s[j + 1] === '\n') j++;
        newline(j);
        j++;
        continue;
      }
      if (s.startsWith(quote, j)) break;
      j++;
    }
    const body = s.slice(bodyStart, j);
    const raw = prefix.includes('r');
    const bytes = prefix.includes('b');
    if (bytes && [...body].some((ch) => ch.charCodeAt(0) > 0x7f)) fail('bytes can only contain ASCII literal characters', start);
    let extra: Partial<Token>;
    try {
      if (prefix.includes('f')) {
        const f = splitFString(body, bodyLine, bodyCol, MAX_FIELDS);
        const d = raw ? { value: f.text, inexact: false } : decodeEscapes(f.text, false);
        extra = { prefix, fields: f.fields, inexact: true };
        push('string', d.value, start, startLine, startCol, extra);
      } else {
        const d = raw ? { value: body, inexact: false } : decodeEscapes(body, bytes);
        extra = d.inexact ? { prefix, inexact: true } : { prefix };
        push('string', d.value, start, startLine, startCol, extra);
      }
    } catch (e) {
      if (e instanceof PySyntaxError && e.line === 0) throw new PySyntaxError(e.message.replace(/^line 0:0: /, ''), startLine, startCol);
      throw e;
    }
    return j + quote.length;
  }
}
