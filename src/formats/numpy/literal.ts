/**
 * A strict parser for the Python literal subset an `.npy` header uses
 * (numpy reads it with `ast.literal_eval`): dicts with string keys,
 * tuples, lists, strings, integers, True/False/None. Never evaluated.
 * Where ast.literal_eval is lenient the parser follows it, because numpy
 * does: adjacent strings concatenate (`'|' 'O'` is `'|O'`) and a repeated
 * dict key keeps its last value (recorded in `repeated`, so a header that
 * reads two ways is reported). Anything else (floats, bytes, expressions)
 * is rejected; the scanner then still analyses a pickle after the header.
 */
import { ModelguardError } from '../../errors.js';

export type Lit =
  | { t: 'str'; v: string }
  | { t: 'int'; v: bigint }
  | { t: 'bool'; v: boolean }
  | { t: 'none' }
  | { t: 'tuple'; items: Lit[] }
  | { t: 'list'; items: Lit[] }
  | { t: 'dict'; entries: Map<string, Lit>; repeated: string[] };

/** Nesting depth of tuples/lists/dicts (CWE-674: deeply nested structured dtypes). */
export const MAX_LITERAL_DEPTH = 32;
/** Digits in one integer literal (CWE-400: quadratic big-integer parsing). */
const MAX_INT_DIGITS = 64;

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', '0': '\0' };

class Parser {
  readonly text: string;
  pos = 0;
  constructor(text: string) {
    this.text = text;
  }

  fail(message: string): never {
    throw new ModelguardError('E_MALFORMED', `header literal: ${message} at character ${this.pos}`);
  }

  ws(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos] as string)) this.pos++;
  }

  peek(): string {
    return this.text[this.pos] ?? '';
  }

  value(depth: number): Lit {
    if (depth > MAX_LITERAL_DEPTH) this.fail(`nesting deeper than ${MAX_LITERAL_DEPTH}`);
    this.ws();
    const c = this.peek();
    if (c === '{') return this.dict(depth);
    if (c === '(') return this.sequence(depth, ')');
    if (c === '[') return this.sequence(depth, ']');
    if (c === "'" || c === '"') return this.string();
    if (c === '-' || c === '+' || (c >= '0' && c <= '9')) return this.int();
    const word = /^[A-Za-z_]+/.exec(this.text.slice(this.pos, this.pos + 8))?.[0];
    if (word === 'True' || word === 'False') {
      this.pos += word.length;
      return { t: 'bool', v: word === 'True' };
    }
    if (word === 'None') {
      this.pos += 4;
      return { t: 'none' };
    }
    return this.fail(`unexpected ${c === '' ? 'end' : JSON.stringify(c)}`);
  }

  int(): Lit {
    const m = /^[-+]?(0|[1-9][0-9_]*)(?![0-9A-Za-z.])/.exec(this.text.slice(this.pos, this.pos + MAX_INT_DIGITS + 2));
    if (m === null) this.fail('not a decimal integer');
    this.pos += m[0].length;
    return { t: 'int', v: BigInt(m[0].replaceAll('_', '')) };
  }

  string(): Lit {
    let v = this.piece();
    this.ws();
    // Adjacent literals concatenate, as in Python source (a loop: chains can be long).
    while (this.peek() === "'" || this.peek() === '"') {
      v += this.piece();
      this.ws();
    }
    return { t: 'str', v };
  }

  private piece(): string {
    const quote = this.peek();
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined || c === '\n') this.fail('unterminated string');
      if (c === quote) break;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.pos++] ?? '';
      const simple = ESCAPES[e];
      if (simple !== undefined) out += simple;
      else if (e === 'x' || e === 'u') {
        const n = e === 'x' ? 2 : 4;
        const hex = this.text.slice(this.pos, this.pos + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) this.fail(`bad \\${e} escape`);
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += n;
      } else this.fail(`unsupported escape \\${e}`);
    }
    return out;
  }

  sequence(depth: number, close: ')' | ']'): Lit {
    this.pos++;
    const items: Lit[] = [];
    let comma = false;
    for (;;) {
      this.ws();
      if (this.peek() === close) break;
      if (items.length > 0 && !comma) this.fail(`expected ',' or '${close}'`);
      items.push(this.value(depth + 1));
      this.ws();
      comma = this.peek() === ',';
      if (comma) this.pos++;
    }
    this.pos++;
    // `(x)` is x itself in Python, `(x,)` a tuple.
    if (close === ')' && items.length === 1 && !comma) return items[0] as Lit;
    return close === ')' ? { t: 'tuple', items } : { t: 'list', items };
  }

  dict(depth: number): Lit {
    this.pos++;
    const entries = new Map<string, Lit>();
    const repeated: string[] = [];
    let comma = false;
    for (;;) {
      this.ws();
      if (this.peek() === '}') break;
      if (entries.size > 0 && !comma) this.fail("expected ',' or '}'");
      const key = this.value(depth + 1);
      if (key.t !== 'str') this.fail('dict key is not a string');
      // Python keeps the last value of a repeated key.
      if (entries.has(key.v)) repeated.push(key.v);
      this.ws();
      if (this.peek() !== ':') this.fail("expected ':'");
      this.pos++;
      entries.delete(key.v);
      entries.set(key.v, this.value(depth + 1));
      this.ws();
      comma = this.peek() === ',';
      if (comma) this.pos++;
    }
    this.pos++;
    return { t: 'dict', entries, repeated };
  }
}

/** Parses exactly one literal; only whitespace may follow it. */
export function parseLiteral(text: string): Lit {
  const p = new Parser(text);
  const v = p.value(0);
  p.ws();
  if (p.pos !== text.length) p.fail('trailing characters after the literal');
  return v;
}
