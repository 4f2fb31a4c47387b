/**
 * Statements: simple statements (expressions, assignments of every form,
 * import, from-import, return, raise, assert, del, global/nonlocal,
 * pass/break/continue) and compound ones (if/elif/else, for, while,
 * try/except/else/finally, with, def, class, decorators, async forms).
 * `parseModule` is the entry point: source in, AST or a typed error out.
 */
import type { Expr, Handler, ImportName, Keyword, Module, Stmt } from './ast.js';
import { ExprParser } from './expressions.js';
import { tokenize } from './tokenizer.js';

export function parseModule(src: string): Module {
  const p = new StmtParser(tokenize(src));
  return { body: p.module() };
}

/** Parses one expression (an f-string field, a test helper). */
export function parseExpression(src: string): Expr {
  const p = new ExprParser(tokenize(src, { expression: true }));
  const e = p.testList();
  p.expectEnd();
  return e;
}

const AUG = new Set(['+=', '-=', '*=', '/=', '//=', '%=', '@=', '&=', '|=', '^=', '>>=', '<<=', '**=']);

class StmtParser extends ExprParser {
  module(): Stmt[] {
    const body: Stmt[] = [];
    while (this.peek().kind !== 'end') {
      if (this.peek().kind === 'newline') {
        this.next();
        continue;
      }
      body.push(...this.statement());
    }
    return body;
  }

  private statement(): Stmt[] {
    return this.nested(() => {
      const t = this.peek();
      if (t.kind === 'indent') this.fail('unexpected indent');
      if (t.kind === 'name') {
        switch (t.text) {
          case 'if':
            return [this.ifStmt()];
          case 'while':
            return [this.whileStmt()];
          case 'for':
            return [this.forStmt()];
          case 'try':
            return [this.tryStmt()];
          case 'with':
            return [this.withStmt()];
          case 'def':
            return [this.defStmt([])];
          case 'class':
            return [this.classStmt([])];
          case 'match':
            if (this.isMatchStatement()) return [this.matchStmt()];
            break;
          case 'async':
            this.next();
            if (this.at('def')) return [this.defStmt([], true)];
            if (this.at('for')) return [this.forStmt()];
            if (this.at('with')) return [this.withStmt()];
            return this.fail("expected 'def', 'for' or 'with' after 'async'");
        }
      }
      if (t.kind === 'op' && t.text === '@') return [this.decorated()];
      return this.simpleLine();
    });
  }

  private simpleLine(): Stmt[] {
    const out = [this.simple()];
    while (this.accept(';')) {
      if (this.peek().kind === 'newline' || this.peek().kind === 'end') break;
      out.push(this.simple());
    }
    if (this.peek().kind !== 'end') this.expectKind('newline', 'end of line');
    return out;
  }

  private simple(): Stmt {
    const t = this.peek();
    const line = t.line;
    if (t.kind === 'name') {
      switch (t.text) {
        case 'pass':
        case 'break':
        case 'continue':
          this.next();
          return this.node({ k: t.text, line });
        case 'return':
          this.next();
          return this.node({ k: 'return', value: this.startsExpr() ? this.testList() : undefined, line });
        case 'raise': {
          this.next();
          const exc = this.startsExpr() ? this.test() : undefined;
          const cause = exc !== undefined && this.accept('from') ? this.test() : undefined;
          return this.node({ k: 'raise', exc, cause, line });
        }
        case 'assert': {
          this.next();
          const test = this.test();
          return this.node({ k: 'assert', test, msg: this.accept(',') ? this.test() : undefined, line });
        }
        case 'del':
          this.next();
          return this.node({ k: 'del', targets: this.exprs(), line });
        case 'global':
        case 'nonlocal': {
          this.next();
          const names = [this.identifier()];
          while (this.accept(',')) names.push(this.identifier());
          return this.node({ k: 'global', names, line });
        }
        case 'import':
          return this.importStmt();
        case 'from':
          return this.fromStmt();
      }
    }
    const first = this.at('yield') ? this.yieldExpr() : this.testList();
    if (this.accept(':')) {
      const annotation = this.test();
      const value = this.accept('=') ? (this.at('yield') ? this.yieldExpr() : this.testList()) : undefined;
      return this.node({ k: 'annassign', target: first, annotation, value, line });
    }
    const op = this.peek();
    if (op.kind === 'op' && AUG.has(op.text)) {
      this.next();
      return this.node({ k: 'augassign', target: first, op: op.text, value: this.at('yield') ? this.yieldExpr() : this.testList(), line });
    }
    if (!this.at('=')) return this.node({ k: 'expr', value: first, line });
    const targets = [first];
    let value = first;
    while (this.accept('=')) {
      value = this.at('yield') ? this.yieldExpr() : this.testList();
      targets.push(value);
    }
    targets.pop();
    return this.node({ k: 'assign', targets, value, line });
  }

  private exprs(): Expr[] {
    const out = [this.test()];
    while (this.accept(',') && this.startsExpr()) out.push(this.test());
    return out;
  }

  private dotted(): string {
    let name = this.identifier();
    while (this.accept('.')) name += `.${this.identifier()}`;
    return name;
  }

  private importStmt(): Stmt {
    const line = this.expect('import').line;
    const names: ImportName[] = [];
    do {
      const name = this.dotted();
      names.push({ name, asname: this.accept('as') ? this.identifier() : undefined });
    } while (this.accept(','));
    return this.node({ k: 'import', names, line });
  }

  private fromStmt(): Stmt {
    const line = this.expect('from').line;
    let level = 0;
    for (;;) {
      if (this.accept('.')) level++;
      else if (this.accept('...')) level += 3;
      else break;
    }
    const module = level > 0 && this.at('import') ? '' : this.dotted();
    this.expect('import');
    const names: ImportName[] = [];
    if (this.accept('*')) names.push({ name: '*', asname: undefined });
    else {
      const paren = this.accept('(');
      do {
        if (paren && this.at(')')) break;
        const name = this.identifier();
        names.push({ name, asname: this.accept('as') ? this.identifier() : undefined });
      } while (this.accept(','));
      if (paren) this.expect(')');
    }
    return this.node({ k: 'from', module, level, names, line });
  }

  /** `:` then a simple line, or NEWLINE INDENT statements DEDENT. */
  private block(): Stmt[] {
    this.expect(':');
    if (this.peek().kind !== 'newline') return this.simpleLine();
    this.next();
    this.expectKind('indent', 'an indented block');
    const body: Stmt[] = [];
    while (this.peek().kind !== 'dedent' && this.peek().kind !== 'end') body.push(...this.statement());
    if (this.peek().kind === 'dedent') this.next();
    return body;
  }

  /** `match` is a soft keyword: a statement only when its line ends with `:` and a block of `case` clauses follows. */
  private isMatchStatement(): boolean {
    let i = 1;
    while (this.peek(i).kind !== 'newline' && this.peek(i).kind !== 'end') i++;
    return i > 2 && this.at(':', i - 1) && this.peek(i + 1).kind === 'indent' && this.at('case', i + 2);
  }

  private matchStmt(): Stmt {
    const line = this.expect('match').line;
    const subject = this.testList();
    this.expect(':');
    this.expectKind('newline', 'end of line');
    this.expectKind('indent', 'an indented block');
    const cases: { pattern: Expr; guard: Expr | undefined; body: Stmt[] }[] = [];
    while (this.at('case')) {
      const cline = this.next().line;
      // Patterns read as expressions: the names they reference (class patterns, values) are what matters.
      const elts: Expr[] = [];
      do {
        if (this.at('if') || this.at(':')) break;
        elts.push(this.at('*') ? this.starred() : this.orTest());
        while (this.accept('as')) this.identifier();
      } while (this.accept(','));
      const pattern: Expr = elts.length === 1 ? (elts[0] as Expr) : this.node({ k: 'seq', kind: 'tuple', elts, line: cline });
      const guard = this.accept('if') ? this.namedTest() : undefined;
      cases.push({ pattern, guard, body: this.block() });
    }
    if (this.peek().kind === 'dedent') this.next();
    else this.fail("expected 'case'");
    return this.node({ k: 'match', subject, cases, line });
  }

  private ifStmt(): Stmt {
    const line = this.next().line; // `if` or `elif`
    const test = this.namedTest();
    const body = this.block();
    let orelse: Stmt[] = [];
    if (this.at('elif')) orelse = [this.nested(() => this.ifStmt())];
    else if (this.accept('else')) orelse = this.block();
    return this.node({ k: 'if', test, body, orelse, line });
  }

  private whileStmt(): Stmt {
    const line = this.expect('while').line;
    const test = this.namedTest();
    const body = this.block();
    return this.node({ k: 'while', test, body, orelse: this.accept('else') ? this.block() : [], line });
  }

  private forStmt(): Stmt {
    const line = this.expect('for').line;
    const target = this.targetList();
    this.expect('in');
    const iter = this.testList();
    const body = this.block();
    return this.node({ k: 'for', target, iter, body, orelse: this.accept('else') ? this.block() : [], line });
  }

  private tryStmt(): Stmt {
    const line = this.expect('try').line;
    const body = this.block();
    const handlers: Handler[] = [];
    while (this.at('except')) {
      const hline = this.next().line;
      this.accept('*');
      const type = this.at(':') ? undefined : this.test();
      let hb: Expr | undefined = type;
      if (type !== undefined && this.at(',')) {
        const elts = [type];
        while (this.accept(',')) elts.push(this.test());
        hb = this.node({ k: 'seq', kind: 'tuple', elts, line: hline });
      }
      const name = hb !== undefined && this.accept('as') ? this.identifier() : undefined;
      handlers.push({ type: hb, name, body: this.block(), line: hline });
    }
    const orelse = handlers.length > 0 && this.accept('else') ? this.block() : [];
    const finalbody = this.accept('finally') ? this.block() : [];
    if (handlers.length === 0 && finalbody.length === 0) this.fail("expected 'except' or 'finally' block");
    return this.node({ k: 'try', body, handlers, orelse, finalbody, line });
  }

  private withStmt(): Stmt {
    const line = this.expect('with').line;
    const items: { expr: Expr; target: Expr | undefined }[] = [];
    // `with (a as b, c):` — parenthesized items; otherwise a plain list.
    const item = (): void => {
      const expr = this.test();
      items.push({ expr, target: this.accept('as') ? (this.at('*') ? this.starred() : this.binary(0)) : undefined });
    };
    do item();
    while (this.accept(','));
    return this.node({ k: 'with', items, body: this.block(), line });
  }

  private decorated(): Stmt {
    const decorators: Expr[] = [];
    while (this.accept('@')) {
      decorators.push(this.namedTest());
      this.expectKind('newline', 'end of line after a decorator');
    }
    if (this.at('def')) return this.defStmt(decorators);
    if (this.at('class')) return this.classStmt(decorators);
    if (this.accept('async') && this.at('def')) return this.defStmt(decorators, true);
    return this.fail("expected 'def' or 'class' after decorators");
  }

  private defStmt(decorators: Expr[], async = false): Stmt {
    const line = this.expect('def').line;
    const name = this.identifier();
    this.expect('(');
    const params = this.params(')', true);
    this.expect(')');
    const returns = this.accept('->') ? this.test() : undefined;
    return this.node({ k: 'def', name, params, returns, decorators, body: this.block(), async, line });
  }

  private classStmt(decorators: Expr[]): Stmt {
    const line = this.expect('class').line;
    const name = this.identifier();
    const bases: Expr[] = [];
    const keywords: Keyword[] = [];
    if (this.accept('(')) {
      while (!this.at(')')) {
        if (this.accept('**')) keywords.push({ name: undefined, value: this.test() });
        else if (this.isIdentifier() && this.at('=', 1)) {
          const k = this.identifier();
          this.next();
          keywords.push({ name: k, value: this.test() });
        } else bases.push(this.at('*') ? this.starred() : this.test());
        if (!this.accept(',')) break;
      }
      this.expect(')');
    }
    return this.node({ k: 'class', name, bases, keywords, decorators, body: this.block(), line });
  }
}
