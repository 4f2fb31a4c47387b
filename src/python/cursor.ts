/** The parser's cursor over tokens, with its depth and node budget (CWE-674, CWE-400). */
import { PyLimitError, PySyntaxError } from './errors.js';
import { MAX_NODES, MAX_PARSE_DEPTH } from './limits.js';
import type { Token } from './tokens.js';

export const KEYWORDS: ReadonlySet<string> = new Set([
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
]);

export class Cursor {
  protected readonly toks: readonly Token[];
  protected pos = 0;
  private depth = 0;
  private nodes = 0;

  constructor(toks: readonly Token[]) {
    this.toks = toks;
  }

  protected peek(ahead = 0): Token {
    return this.toks[Math.min(this.pos + ahead, this.toks.length - 1)] as Token;
  }

  protected next(): Token {
    const t = this.peek();
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }

  /** Whether the next token is the operator or keyword `text`. */
  protected at(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return (t.kind === 'op' || t.kind === 'name') && t.text === text;
  }

  protected accept(text: string): boolean {
    if (!this.at(text)) return false;
    this.next();
    return true;
  }

  protected expect(text: string): Token {
    if (!this.at(text)) this.fail(`expected '${text}'`);
    return this.next();
  }

  protected expectKind(kind: Token['kind'], what: string): Token {
    if (this.peek().kind !== kind) this.fail(`expected ${what}`);
    return this.next();
  }

  /** A name that is not a keyword. */
  protected identifier(): string {
    const t = this.peek();
    if (t.kind !== 'name' || KEYWORDS.has(t.text)) this.fail('expected a name');
    this.next();
    return t.text;
  }

  protected isIdentifier(ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'name' && !KEYWORDS.has(t.text);
  }

  protected fail(msg: string, t: Token = this.peek()): never {
    const got =
      t.kind === 'end'
        ? 'end of source'
        : t.kind === 'newline'
          ? 'end of line'
          : t.kind === 'indent'
            ? 'indent'
            : t.kind === 'dedent'
              ? 'dedent'
              : `'${t.text}'`;
    throw new PySyntaxError(`${msg}, got ${got}`, t.line, t.col);
  }

  /** Runs `f` one level deeper; every recursive production goes through here. */
  protected nested<T>(f: () => T): T {
    if (++this.depth > MAX_PARSE_DEPTH) throw new PyLimitError(`nesting deeper than ${MAX_PARSE_DEPTH}`, this.peek().line);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  /** Counts a node against the budget and returns it. */
  protected node<T>(n: T): T {
    if (++this.nodes > MAX_NODES) throw new PyLimitError(`more than ${MAX_NODES} syntax nodes`, this.peek().line);
    return n;
  }
}
