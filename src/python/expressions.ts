/**
 * Expressions, by Python's precedence: lambda, conditional, or/and/not,
 * comparisons, bitwise, shifts, arithmetic, unary, power, await, then
 * primaries (atoms with attribute, call and subscript trailers).
 * Comprehensions, starred items, walrus, yield and f-string fields
 * (tokenized and parsed here, nested at most MAX_FSTRING_DEPTH deep).
 */
import type { Comprehension, Expr, Keyword, Param, Params } from './ast.js';
import { Cursor } from './cursor.js';
import { PyLimitError } from './errors.js';
import { MAX_FSTRING_DEPTH } from './limits.js';
import { tokenize } from './tokenizer.js';
import type { Token } from './tokens.js';

const COMPARE = new Set(['<', '>', '==', '>=', '<=', '!=', 'in', 'is', 'not']);
const BINARY: readonly (readonly string[])[] = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '//', '%', '@']];

export class ExprParser extends Cursor {
  protected readonly fdepth: number;

  constructor(toks: readonly Token[], fdepth = 0) {
    super(toks);
    this.fdepth = fdepth;
  }

  /** `test` or a star expression list forming a tuple (`a, *b`). */
  testList(allowStar = true): Expr {
    const line = this.peek().line;
    const first = allowStar && this.at('*') ? this.starred() : this.namedTest();
    if (!this.at(',')) return first;
    const elts = [first];
    while (this.accept(',')) {
      if (!this.startsExpr()) break;
      elts.push(allowStar && this.at('*') ? this.starred() : this.namedTest());
    }
    return this.node({ k: 'seq', kind: 'tuple', elts, line });
  }

  /** Whether the next token can begin an expression. */
  protected startsExpr(): boolean {
    const t = this.peek();
    if (t.kind === 'name') return !['and', 'or', 'if', 'else', 'for', 'in', 'is', 'as', 'from', 'import', 'elif', 'except', 'finally', 'pass'].includes(t.text);
    if (t.kind === 'number' || t.kind === 'string') return true;
    return t.kind === 'op' && ['(', '[', '{', '-', '+', '~', '*', '**', '...'].includes(t.text);
  }

  /** `*x`; in call arguments the operand may be a conditional expression. */
  protected starred(full = false): Expr {
    const line = this.expect('*').line;
    return this.node({ k: 'starred', value: full ? this.test() : this.orTest(), double: false, line });
  }

  /** `*rest` as an assignment target: the operand stops before `in`. */
  protected starTarget(): Expr {
    const line = this.expect('*').line;
    return this.node({ k: 'starred', value: this.binary(0), double: false, line });
  }

  namedTest(): Expr {
    if (this.isIdentifier() && this.at(':=', 1)) {
      const line = this.peek().line;
      const target = this.identifier();
      this.next();
      return this.node({ k: 'walrus', target, value: this.test(), line });
    }
    return this.test();
  }

  test(): Expr {
    return this.nested(() => {
      if (this.at('lambda')) return this.lambda();
      const body = this.orTest();
      if (!this.at('if')) return body;
      const line = this.next().line;
      const test = this.orTest();
      this.expect('else');
      return this.node({ k: 'ifexp', test, body, orelse: this.test(), line });
    });
  }

  private lambda(): Expr {
    const line = this.expect('lambda').line;
    const params = this.params(':', false);
    this.expect(':');
    return this.node({ k: 'lambda', params, body: this.test(), line });
  }

  /** Parameters up to `close` (`)` of a def, `:` of a lambda). */
  protected params(close: string, annotations: boolean): Params {
    const params: Param[] = [];
    while (!this.at(close)) {
      if (this.accept('/')) {
        if (!this.accept(',')) break;
        continue;
      }
      let kind: Param['kind'] = 'plain';
      if (this.accept('**')) kind = 'dstar';
      else if (this.accept('*')) {
        kind = 'star';
        if (this.at(',') || this.at(close)) {
          if (!this.accept(',')) break;
          continue;
        }
      }
      const name = this.identifier();
      const annotation = annotations && this.accept(':') ? this.test() : undefined;
      const dflt = this.accept('=') ? this.test() : undefined;
      params.push({ name, annotation, default: dflt, kind });
      if (!this.accept(',')) break;
    }
    return { params };
  }

  protected orTest(): Expr {
    return this.boolOp('or', () => this.boolOp('and', () => this.notTest()));
  }

  private boolOp(op: 'and' | 'or', sub: () => Expr): Expr {
    const line = this.peek().line;
    const first = sub();
    if (!this.at(op)) return first;
    const values = [first];
    while (this.accept(op)) values.push(sub());
    return this.node({ k: 'boolop', op, values, line });
  }

  private notTest(): Expr {
    if (!this.at('not')) return this.comparison();
    const line = this.next().line;
    return this.nested(() => this.node({ k: 'unary', op: 'not', operand: this.notTest(), line }));
  }

  private comparison(): Expr {
    const line = this.peek().line;
    const left = this.binary(0);
    const ops: string[] = [];
    const rights: Expr[] = [];
    for (;;) {
      const t = this.peek();
      if (!(t.kind === 'op' || t.kind === 'name') || !COMPARE.has(t.text)) break;
      if (t.text === 'not' && !this.at('in', 1)) break;
      this.next();
      let op = t.text;
      if (op === 'not') op = `not ${this.expect('in').text}`;
      else if (op === 'is' && this.accept('not')) op = 'is not';
      ops.push(op);
      rights.push(this.binary(0));
    }
    return ops.length === 0 ? left : this.node({ k: 'compare', left, ops, rights, line });
  }

  protected binary(level: number): Expr {
    if (level >= BINARY.length) return this.factor();
    const ops = BINARY[level] as readonly string[];
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || !ops.includes(t.text)) return left;
      this.next();
      left = this.node({ k: 'binop', op: t.text, left, right: this.binary(level + 1), line: t.line });
    }
  }

  private factor(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '~')) {
      this.next();
      return this.nested(() => this.node({ k: 'unary', op: t.text, operand: this.factor(), line: t.line }));
    }
    return this.power();
  }

  private power(): Expr {
    const line = this.peek().line;
    const base = this.at('await') ? this.awaitExpr() : this.primary();
    if (!this.at('**')) return base;
    this.next();
    return this.nested(() => this.node({ k: 'binop', op: '**', left: base, right: this.factor(), line }));
  }

  private awaitExpr(): Expr {
    const line = this.expect('await').line;
    return this.node({ k: 'await', value: this.primary(), line });
  }

  protected primary(): Expr {
    let e = this.atom();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op') return e;
      if (t.text === '.') {
        this.next();
        e = this.node({ k: 'attr', value: e, attr: this.identifier(), line: t.line });
      } else if (t.text === '(') {
        this.next();
        e = this.nested(() => this.callArgs(e, t.line));
      } else if (t.text === '[') {
        this.next();
        const index = this.nested(() => this.subscripts());
        this.expect(']');
        e = this.node({ k: 'subscript', value: e, index, line: t.line });
      } else return e;
    }
  }

  private callArgs(func: Expr, line: number): Expr {
    const args: Expr[] = [];
    const keywords: Keyword[] = [];
    while (!this.at(')')) {
      if (this.accept('**')) keywords.push({ name: undefined, value: this.test() });
      else if (this.at('*')) args.push(this.starred(true));
      else if (this.isIdentifier() && this.at('=', 1)) {
        const name = this.identifier();
        this.next();
        keywords.push({ name, value: this.test() });
      } else {
        const a = this.namedTest();
        args.push(this.at('for') || this.at('async') ? this.comprehension('gen', a, undefined, a.line) : a);
      }
      if (!this.accept(',')) break;
    }
    this.expect(')');
    return this.node({ k: 'call', func, args, keywords, line });
  }

  private subscripts(): Expr {
    const line = this.peek().line;
    const items: Expr[] = [];
    let tuple = false;
    do {
      if (this.at(']')) break;
      items.push(this.subscript());
      if (this.at(',')) tuple = true;
    } while (this.accept(','));
    if (items.length === 0) this.fail('expected a subscript');
    return tuple ? this.node({ k: 'seq', kind: 'tuple', elts: items, line }) : (items[0] as Expr);
  }

  private subscript(): Expr {
    const line = this.peek().line;
    if (this.at('*')) return this.starred();
    const lower = this.at(':') ? undefined : this.namedTest();
    if (!this.at(':')) return lower as Expr;
    const parts: (Expr | undefined)[] = [lower];
    while (parts.length < 3 && this.accept(':')) parts.push(this.at(':') || this.at(']') || this.at(',') ? undefined : this.test());
    return this.node({ k: 'slice', parts, line });
  }

  protected comprehension(kind: 'list' | 'set' | 'dict' | 'gen', elt: Expr, value: Expr | undefined, line: number): Expr {
    const generators: Comprehension[] = [];
    while (this.at('for') || (this.at('async') && this.at('for', 1))) {
      this.accept('async');
      this.expect('for');
      const target = this.targetList();
      this.expect('in');
      const iter = this.orTest();
      const ifs: Expr[] = [];
      while (this.accept('if')) ifs.push(this.nested(() => this.orTestNoCond()));
      generators.push({ target, iter, ifs });
    }
    return this.node({ k: 'comp', kind, elt, ...(value === undefined ? {} : { value }), generators, line });
  }

  private orTestNoCond(): Expr {
    return this.at('lambda') ? this.lambda() : this.orTest();
  }

  /** Targets of `for` and comprehensions: `a`, `a, b`, `(a, b)`, `a.b`, `a[i]`, `*rest`. */
  protected targetList(): Expr {
    const line = this.peek().line;
    const elts: Expr[] = [];
    do {
      if (this.at('in') || this.at('=')) break;
      elts.push(this.at('*') ? this.starTarget() : this.binary(0));
    } while (this.accept(','));
    if (elts.length === 0) this.fail('expected a target');
    return elts.length === 1 ? (elts[0] as Expr) : this.node({ k: 'seq', kind: 'tuple', elts, line });
  }

  private atom(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'name':
        return this.nameAtom(t);
      case 'number':
        this.next();
        return this.node(numberConst(t));
      case 'string':
        return this.strings();
      case 'op':
        return this.nested(() => this.bracketAtom(t));
      default:
        return this.fail('expected an expression');
    }
  }

  private nameAtom(t: Token): Expr {
    if (t.text === 'None' || t.text === 'True' || t.text === 'False') {
      this.next();
      return this.node({
        k: 'const',
        value: t.text === 'None' ? null : t.text === 'True',
        kind: t.text === 'None' ? 'none' : 'bool',
        exact: true,
        line: t.line,
      });
    }
    if (t.text === 'yield') return this.yieldExpr();
    return this.node({ k: 'name', id: this.identifier(), line: t.line });
  }

  protected yieldExpr(): Expr {
    const line = this.expect('yield').line;
    if (this.accept('from')) return this.node({ k: 'yield', value: this.test(), from: true, line });
    return this.node({ k: 'yield', value: this.startsExpr() ? this.testList() : undefined, from: false, line });
  }

  private bracketAtom(t: Token): Expr {
    const line = t.line;
    if (t.text === '...') {
      this.next();
      return this.node({ k: 'const', value: null, kind: 'ellipsis', exact: true, line });
    }
    if (t.text === '(') {
      this.next();
      if (this.accept(')')) return this.node({ k: 'seq', kind: 'tuple', elts: [], line });
      if (this.at('yield')) {
        const y = this.yieldExpr();
        this.expect(')');
        return y;
      }
      const first = this.at('*') ? this.starred() : this.namedTest();
      if (this.at('for') || this.at('async')) {
        const c = this.comprehension('gen', first, undefined, line);
        this.expect(')');
        return c;
      }
      if (this.accept(')')) return first;
      const elts = [first];
      while (this.accept(',') && !this.at(')')) elts.push(this.at('*') ? this.starred() : this.namedTest());
      this.expect(')');
      return this.node({ k: 'seq', kind: 'tuple', elts, line });
    }
    if (t.text === '[') {
      this.next();
      if (this.accept(']')) return this.node({ k: 'seq', kind: 'list', elts: [], line });
      const first = this.at('*') ? this.starred() : this.namedTest();
      if (this.at('for') || this.at('async')) {
        const c = this.comprehension('list', first, undefined, line);
        this.expect(']');
        return c;
      }
      const elts = [first];
      while (this.accept(',') && !this.at(']')) elts.push(this.at('*') ? this.starred() : this.namedTest());
      this.expect(']');
      return this.node({ k: 'seq', kind: 'list', elts, line });
    }
    if (t.text === '{') {
      this.next();
      return this.braces(line);
    }
    return this.fail('expected an expression');
  }

  private braces(line: number): Expr {
    if (this.accept('}')) return this.node({ k: 'dict', keys: [], values: [], line });
    const keys: (Expr | undefined)[] = [];
    const values: Expr[] = [];
    const dictItem = (): void => {
      if (this.accept('**')) {
        keys.push(undefined);
        values.push(this.binary(0));
      } else {
        keys.push(this.test());
        this.expect(':');
        values.push(this.test());
      }
    };
    const first = this.at('**') ? undefined : this.at('*') ? this.starred() : this.namedTest();
    if (first === undefined || this.at(':')) {
      // A dict: `{**a, ...}` or `{k: v, ...}` (the first key is already read).
      if (first === undefined) dictItem();
      else {
        this.expect(':');
        keys.push(first);
        values.push(this.test());
        if (this.at('for') || this.at('async')) {
          const c = this.comprehension('dict', first, values[0], line);
          this.expect('}');
          return c;
        }
      }
      while (this.accept(',') && !this.at('}')) dictItem();
      this.expect('}');
      return this.node({ k: 'dict', keys, values, line });
    }
    if (this.at('for') || this.at('async')) {
      const c = this.comprehension('set', first, undefined, line);
      this.expect('}');
      return c;
    }
    const elts = [first];
    while (this.accept(',') && !this.at('}')) elts.push(this.at('*') ? this.starred() : this.namedTest());
    this.expect('}');
    return this.node({ k: 'seq', kind: 'set', elts, line });
  }

  /** Adjacent string literals concatenate; f-strings among them make the value computed. */
  private strings(): Expr {
    const line = this.peek().line;
    let text = '';
    let exact = true;
    let bytes: boolean | undefined;
    const parts: Expr[] = [];
    while (this.peek().kind === 'string') {
      const t = this.next();
      const isBytes = t.prefix?.includes('b') === true;
      if (bytes !== undefined && bytes !== isBytes) this.fail('cannot mix bytes and nonbytes literals', t);
      bytes = isBytes;
      text += t.text;
      if (t.inexact === true) exact = false;
      for (const f of t.fields ?? []) parts.push(this.field(f.src, f.line, f.col));
    }
    const c: Expr = this.node({ k: 'const', value: text, kind: bytes === true ? 'bytes' : 'str', exact, line });
    return parts.length === 0 ? c : this.node({ k: 'fstring', parts: [c, ...parts], line });
  }

  private field(src: string, line: number, col: number): Expr {
    if (this.fdepth >= MAX_FSTRING_DEPTH) throw new PyLimitError(`f-strings nested deeper than ${MAX_FSTRING_DEPTH}`, line);
    const p = new ExprParser(tokenize(`(${src})`, { expression: true, line, col: col - 1 }), this.fdepth + 1);
    const e = p.testList();
    p.expectEnd();
    return e;
  }

  expectEnd(): void {
    this.expectKind('end', 'end of expression');
  }
}

function numberConst(t: Token): Expr {
  const s = t.text.replace(/_/g, '');
  if (/[jJ]$/.test(s)) return { k: 'const', value: s, kind: 'complex', exact: false, line: t.line };
  if (/^0[xXoObB]/.test(s)) {
    const n = Number(s.toLowerCase().replace(/^0o/, '0o'));
    return { k: 'const', value: n, kind: 'int', exact: Number.isSafeInteger(n), line: t.line };
  }
  if (/[.eE]/.test(s)) return { k: 'const', value: Number(s), kind: 'float', exact: true, line: t.line };
  const n = Number(s);
  return { k: 'const', value: n, kind: 'int', exact: Number.isSafeInteger(n), line: t.line };
}
