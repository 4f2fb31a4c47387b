/**
 * What a Python module does, statically: which names it reaches through
 * its imports (`import os as _o`, `from subprocess import Popen`,
 * `__import__("os")`, `importlib.import_module("os")`, `getattr(m,
 * "sys" + "tem")` with constant folding of string concatenation), which
 * of them it calls or holds, and how each is judged (`judge.ts`). Never
 * runs anything. Every reachable name counts, wherever it sits (module
 * level, a method, a lambda, a default value, an f-string field): code
 * that holds `os.system` can call it.
 */
import type { Expr, Module, Params, Stmt } from './ast.js';
import { BUILTIN_NAMES, ESCAPE_ATTRS } from './builtins.js';
import { isPyReadError, PyLimitError } from './errors.js';
import { judgeName } from './judge.js';
import type { DefStmt } from './load-phase.js';
import { type ArgKind, isIdentifier, makesBlob, ownCodeCall, ownCodeHold } from './own-code.js';
import { parseExpression } from './parser.js';
import { DANGEROUS_ATTRS, DENIED_LAST } from '../python-globals/denylist.js';
import type { Policy } from '../python-globals/policy.js';
import { isTrackedModule } from '../python-globals/tables.js';

const INIT = '.__init__';

export type Val =
  | { t: 'mod'; name: string }
  | { t: 'obj'; name: string }
  | { t: 'inst'; cls: string }
  | { t: 'str'; v: string }
  /** Defined by this code (a def, a class, a relative import), or an instance of its class: its own body is analysed where it is written. */
  | { t: 'local'; name: string }
  /** Bytes the code carries or decodes (`b"…"`, `base64.b64decode(…)`). */
  | { t: 'blob' }
  | { t: 'unknown' };

export interface CodeFinding {
  severity: 'malicious' | 'suspicious';
  line: number;
  /** What is reached, as resolved (`os.system`), or the construct (`getattr(os, <computed>)`). */
  call: string;
  why: string;
  chain?: readonly string[];
  /** The def whose body holds the reach (undefined: module level or a class body), and its qualified name. */
  def?: DefStmt;
  in?: string;
}

export interface CodeAnalysis {
  /** Resolved names the code calls, with the first line each is called on. */
  calls: Map<string, number>;
  /** Modules imported (absolute names; relative imports as `.name`). */
  imports: Set<string>;
  /** Names the tables do not know (modules never read, such as transformers), with a line. */
  unknown: Map<string, number>;
  findings: CodeFinding[];
}

export interface AnalyseOptions {
  policy: Policy;
  /**
   * Generated code (fx graphs, TorchScript): a name the tables do not know
   * and a computed getattr are findings of their own (`suspicious`), and
   * importing a module on the denylist is `malicious` (generated code never
   * needs `os`). Off for hand-written code, which imports `os` for paths.
   */
  strict: boolean;
  /** Names bound before the code runs (TorchScript's `torch`, `ops`), as values. */
  predefined?: ReadonlyMap<string, Val>;
  /** Hand-written code: whether its source has function type comments (`# type: (int) -> int`), which torch.jit evaluates. */
  typeComments?: boolean;
}

/** Findings kept per source (CWE-400; the first ones are what matter). */
const MAX_FINDINGS = 64;
/** Length of a folded constant string (CWE-400: `"a" * 10**9` is not folded, and concatenation stops here). */
const MAX_FOLDED = 4096;
/** Length of a string annotation read as an expression (annotations are short; CWE-400). */
const MAX_ANNOTATION = 4096;

/** Module globals Python binds besides the builtins: plain strings, nothing to judge. */
const MODULE_DUNDERS: ReadonlySet<string> = new Set(['__name__', '__file__', '__doc__']);
/** Attributes every object or module has that hold names, versions or plain metadata (reaching them reaches nothing). */
const PLAIN_DUNDERS: ReadonlySet<string> = new Set([
  '__name__',
  '__qualname__',
  '__module__',
  '__doc__',
  '__version__',
  '__file__',
  '__class__',
  '__annotations__',
  '__all__',
  '__package__',
  '__path__',
]);

/** Expression depth walked (CWE-674: a chain of a million `+` is a million-deep tree). */
const MAX_EXPR_DEPTH = 1000;

const UNKNOWN: Val = { t: 'unknown' };

/**
 * Modules that generated code (fx graphs, TorchScript) never imports: the
 * curated denylist's unambiguous module names, less the gadget buckets
 * (`operator`, `functools`, `builtins`) whose members are ordinary in code.
 */
const SYSTEM_MODULES: ReadonlySet<string> = new Set([
  ...[...DENIED_LAST].filter((m) => !['operator', '_operator', 'functools', '_functools', 'builtins', '__builtins__', '__builtin__'].includes(m)),
  'code',
  'codeop',
  'ctypes',
  'http',
  'urllib',
  'requests',
  'dill',
  'cloudpickle',
]);

class Scope {
  readonly vars = new Map<string, Val>();
  readonly parent: Scope | undefined;
  constructor(parent?: Scope) {
    this.parent = parent;
  }
  lookup(n: string): Val | undefined {
    return this.vars.get(n) ?? this.parent?.lookup(n);
  }
}

export function analyseModule(mod: Module, opts: AnalyseOptions): CodeAnalysis {
  const a = new Analyser(opts);
  a.run(mod.body);
  return a.result;
}

class Analyser {
  readonly result: CodeAnalysis = { calls: new Map(), imports: new Set(), unknown: new Map(), findings: [] };
  private readonly opts: AnalyseOptions;
  private readonly global = new Scope();
  /** Function bodies, analysed after the module level so module bindings are known. */
  private readonly deferred: (() => void)[] = [];
  private readonly seen = new Set<string>();
  private depth = 0;
  /** The def whose body is being read, and its qualified name (undefined at module level and in class bodies). */
  private where: { def: DefStmt; qual: string } | undefined;
  /** Qualified-name prefix of the class body being read. */
  private qual = '';
  /** Modules star-imported (`from os import *`), where unbound names are looked up. */
  private readonly starModules: string[] = [];

  constructor(opts: AnalyseOptions) {
    this.opts = opts;
    for (const [k, v] of opts.predefined ?? []) this.global.vars.set(k, v);
  }

  run(body: Stmt[]): void {
    this.block(body, this.global);
    // Deferred bodies may defer more (nested defs); the queue ends because the AST is finite.
    for (let i = 0; i < this.deferred.length; i++) (this.deferred[i] as () => void)();
  }

  private find(f: CodeFinding): void {
    const at = this.where;
    const key = `${f.severity}|${f.call}|${f.why}|${at?.qual ?? ''}`;
    if (this.seen.has(key) || this.result.findings.length >= MAX_FINDINGS) return;
    this.seen.add(key);
    this.result.findings.push(at === undefined ? f : { ...f, def: at.def, in: at.qual });
  }

  /** Judges a resolved name the code reaches; `called` when it is invoked here. */
  private reach(name: string, line: number, called: boolean): void {
    if (called && !this.result.calls.has(name)) this.result.calls.set(name, line);
    // Hand-written code holding a loader or a decorator: the call where it is used is judged by its arguments.
    if (!called && !this.opts.strict && ownCodeHold(name)) return;
    // Hand-written code calling a base class's constructor (`nn.Module.__init__(self)`, `DiffusionPipeline.__init__(self)`)
    // runs what constructing that class runs: judged as the class (a sink class stays a sink).
    const v = judgeName(this.opts.policy, called && !this.opts.strict && name.endsWith(INIT) ? name.slice(0, -INIT.length) : name);
    if (v.kind === 'sink') {
      this.find({
        severity: 'malicious',
        line,
        call: name,
        why: `${called ? 'calls' : 'holds'} ${name}, which ${v.why}`,
        ...(v.chain === undefined ? {} : { chain: v.chain }),
      });
    } else if (v.kind === 'unknown') {
      if (!this.result.unknown.has(name)) this.result.unknown.set(name, line);
      if (this.opts.strict) this.find({ severity: 'suspicious', line, call: name, why: `${called ? 'calls' : 'holds'} ${name}, which the tables do not know` });
    }
  }

  private importModule(name: string, line: number): void {
    this.result.imports.add(name);
    if (!isTrackedModule(name)) {
      if (!this.result.unknown.has(name)) this.result.unknown.set(name, line);
      if (this.opts.strict)
        this.find({ severity: 'suspicious', line, call: `import ${name}`, why: `imports ${name}, which the tables do not know (its top-level code runs)` });
      return;
    }
    if (this.opts.strict && name.split('.').some((c) => SYSTEM_MODULES.has(c))) {
      this.find({
        severity: 'malicious',
        line,
        call: `import ${name}`,
        why: `imports ${name}, a module for processes, code, files or the network, which generated model code never needs`,
      });
    }
  }

  // --- statements

  private block(body: Stmt[], s: Scope): void {
    for (const st of body) this.stmt(st, s);
  }

  private stmt(st: Stmt, s: Scope): void {
    switch (st.k) {
      case 'expr':
        this.expr(st.value, s);
        return;
      case 'assign': {
        const v = this.expr(st.value, s);
        for (const t of st.targets) this.bind(t, v, s);
        return;
      }
      case 'augassign':
        this.expr(st.target, s);
        this.expr(st.value, s);
        this.bind(st.target, UNKNOWN, s);
        return;
      case 'annassign': {
        this.annotation(st.annotation, s);
        const v = st.value === undefined ? UNKNOWN : this.expr(st.value, s);
        if (st.value !== undefined) this.bind(st.target, v, s);
        return;
      }
      case 'import':
        for (const n of st.names) {
          this.importModule(n.name, st.line);
          if (n.asname !== undefined) s.vars.set(n.asname, { t: 'mod', name: n.name });
          else s.vars.set(n.name.split('.')[0] ?? n.name, { t: 'mod', name: n.name.split('.')[0] ?? n.name });
        }
        return;
      case 'from':
        this.fromImport(st, s);
        return;
      case 'def':
        this.defStmt(st, s);
        return;
      case 'class': {
        for (const b of st.bases) this.expr(b, s);
        for (const k of st.keywords) this.expr(k.value, s);
        const inner = new Scope(s);
        const outer = this.qual;
        this.qual = `${outer}${st.name}.`;
        this.block(st.body, inner);
        this.qual = outer;
        s.vars.set(st.name, { t: 'local', name: st.name });
        for (const d of st.decorators) this.decorate(d, s);
        return;
      }
      case 'return':
        if (st.value !== undefined) this.expr(st.value, s);
        return;
      case 'if':
      case 'while':
        this.expr(st.test, s);
        this.block(st.body, s);
        this.block(st.orelse, s);
        return;
      case 'for':
        this.expr(st.iter, s);
        this.bind(st.target, UNKNOWN, s);
        this.block(st.body, s);
        this.block(st.orelse, s);
        return;
      case 'with':
        for (const it of st.items) {
          this.expr(it.expr, s);
          if (it.target !== undefined) this.bind(it.target, UNKNOWN, s);
        }
        this.block(st.body, s);
        return;
      case 'try':
        this.block(st.body, s);
        for (const h of st.handlers) {
          if (h.type !== undefined) this.expr(h.type, s);
          if (h.name !== undefined) s.vars.set(h.name, UNKNOWN);
          this.block(h.body, s);
        }
        this.block(st.orelse, s);
        this.block(st.finalbody, s);
        return;
      case 'match':
        this.expr(st.subject, s);
        for (const c of st.cases) {
          this.expr(c.pattern, s);
          if (c.guard !== undefined) this.expr(c.guard, s);
          this.block(c.body, s);
        }
        return;
      case 'raise':
        if (st.exc !== undefined) this.expr(st.exc, s);
        if (st.cause !== undefined) this.expr(st.cause, s);
        return;
      case 'assert':
        this.expr(st.test, s);
        if (st.msg !== undefined) this.expr(st.msg, s);
        return;
      case 'del':
        for (const t of st.targets) this.expr(t, s);
        return;
      case 'global':
      case 'pass':
      case 'break':
      case 'continue':
        return;
    }
  }

  private fromImport(st: Extract<Stmt, { k: 'from' }>, s: Scope): void {
    if (st.level > 0) {
      // A sibling module of the same package: analysed as its own file where the folder has it.
      this.result.imports.add(`${'.'.repeat(st.level)}${st.module}`);
      for (const n of st.names) if (n.name !== '*') s.vars.set(n.asname ?? n.name, { t: 'local', name: `${'.'.repeat(st.level)}${st.module}.${n.name}` });
      return;
    }
    this.importModule(st.module, st.line);
    for (const n of st.names) {
      if (n.name === '*') {
        // `from subprocess import *`: a name no scope binds is looked up in the module (its public names as the tables list them).
        if (isTrackedModule(st.module)) this.starModules.push(st.module);
        continue;
      }
      const full = `${st.module}.${n.name}`;
      const v: Val = isTrackedModule(full) ? { t: 'mod', name: full } : { t: 'obj', name: full };
      // Binding runs nothing; every use of the name is judged where it is (a hold, or a call by its arguments).
      if (v.t === 'obj' && this.opts.strict) this.reach(full, st.line, false);
      s.vars.set(n.asname ?? n.name, v);
    }
  }

  private defStmt(st: Extract<Stmt, { k: 'def' }>, s: Scope): void {
    this.params(st.params, s);
    if (st.returns !== undefined) this.annotation(st.returns, s);
    s.vars.set(st.name, { t: 'local', name: st.name });
    for (const d of st.decorators) this.decorate(d, s);
    const qual = `${this.where === undefined ? '' : `${this.where.qual}.<locals>.`}${this.qual}${st.name}`;
    this.deferred.push(() => {
      const inner = new Scope(s);
      for (const p of st.params.params) inner.vars.set(p.name, UNKNOWN);
      const [where, cls] = [this.where, this.qual];
      this.where = { def: st, qual };
      this.qual = '';
      this.block(st.body, inner);
      [this.where, this.qual] = [where, cls];
    });
  }

  /** A decorator applied to the def or class just defined: `@dataclass`, `@torch.jit.script` are judged with a local argument. */
  private decorate(d: Expr, s: Scope): void {
    const v = d.k === 'name' || d.k === 'attr' ? this.callee(d, s) : this.expr(d, s);
    if (v.t === 'obj' && !this.opts.strict && ownCodeCall(v.name, this.ownCall(['local'], new Map())) === true) {
      if (!this.result.calls.has(v.name)) this.result.calls.set(v.name, d.line);
      return;
    }
    if (v.t === 'obj' && (d.k === 'name' || d.k === 'attr')) this.reach(v.name, d.line, false);
    this.callValue(v, d.line, s);
  }

  private params(p: Params, s: Scope): void {
    for (const x of p.params) {
      if (x.annotation !== undefined) this.annotation(x.annotation, s);
      if (x.default !== undefined) this.expr(x.default, s);
    }
  }

  /**
   * An annotation: an expression, or a string that `typing.get_type_hints`,
   * `inspect.signature(eval_str=True)` or `torch.jit` evaluate as one, so
   * a string is read as the expression it holds (one that does not parse
   * cannot be evaluated either).
   */
  private annotation(e: Expr, s: Scope): void {
    this.expr(e, s);
    if (e.k !== 'const' || typeof e.value !== 'string' || !e.exact || e.value.length > MAX_ANNOTATION || this.opts.strict) return;
    let parsed: Expr;
    try {
      parsed = parseExpression(e.value);
    } catch (err) {
      if (isPyReadError(err)) return;
      throw err;
    }
    this.expr(parsed, s);
  }

  private ownCall(args: readonly ArgKind[], kws: ReadonlyMap<string, { kind: ArgKind; value: unknown }>) {
    return { args, kws, typeComments: this.opts.typeComments ?? false };
  }

  private argKind(e: Expr, v: Val): ArgKind {
    if (v.t === 'local') return 'local';
    if (v.t === 'blob' || (v.t === 'inst' && makesBlob(v.cls))) return 'blob';
    if (isIdentifier(e)) return 'identifier';
    if (e.k === 'const' && typeof e.value === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(e.value)) return 'url';
    if (e.k === 'const') return 'constant';
    return 'other';
  }

  private bind(target: Expr, v: Val, s: Scope): void {
    switch (target.k) {
      case 'name':
        s.vars.set(target.id, v);
        return;
      case 'seq':
        for (const e of target.elts) this.bind(e, UNKNOWN, s);
        return;
      case 'starred':
        this.bind(target.value, UNKNOWN, s);
        return;
      default:
        // Attribute and subscript targets: the object and index are evaluated.
        this.expr(target, s);
    }
  }

  // --- expressions

  private expr(e: Expr, s: Scope): Val {
    // Left-associative chains (`a + a + …`, `a.b.c…`, `f()()…`) nest without limit in the AST; recursion here is bounded.
    if (++this.depth > MAX_EXPR_DEPTH) throw new PyLimitError(`expression nested deeper than ${MAX_EXPR_DEPTH}`, e.line);
    try {
      return this.exprInner(e, s);
    } finally {
      this.depth--;
    }
  }

  private exprInner(e: Expr, s: Scope): Val {
    switch (e.k) {
      case 'name':
        return this.name(e.id, e.line, s);
      case 'const':
        if (e.kind === 'bytes') return { t: 'blob' };
        return e.kind === 'str' && e.exact && typeof e.value === 'string' ? { t: 'str', v: e.value } : UNKNOWN;
      case 'fstring':
        for (const p of e.parts) this.expr(p, s);
        return UNKNOWN;
      case 'attr':
        return this.attr(this.expr(e.value, s), e.attr, e.line);
      case 'call':
        return this.call(e, s);
      case 'subscript':
        this.expr(e.value, s);
        this.expr(e.index, s);
        return UNKNOWN;
      case 'slice':
        for (const p of e.parts) if (p !== undefined) this.expr(p, s);
        return UNKNOWN;
      case 'binop': {
        const l = this.expr(e.left, s);
        const r = this.expr(e.right, s);
        if (e.op === '+' && l.t === 'str' && r.t === 'str' && l.v.length + r.v.length <= MAX_FOLDED) return { t: 'str', v: l.v + r.v };
        return UNKNOWN;
      }
      case 'unary':
        this.expr(e.operand, s);
        return UNKNOWN;
      case 'boolop':
        for (const v of e.values) this.expr(v, s);
        return UNKNOWN;
      case 'compare':
        this.expr(e.left, s);
        for (const r of e.rights) this.expr(r, s);
        return UNKNOWN;
      case 'ifexp':
        this.expr(e.test, s);
        this.expr(e.body, s);
        this.expr(e.orelse, s);
        return UNKNOWN;
      case 'lambda': {
        this.params(e.params, s);
        const inner = new Scope(s);
        for (const p of e.params.params) inner.vars.set(p.name, UNKNOWN);
        this.expr(e.body, inner);
        return { t: 'local', name: '<lambda>' };
      }
      case 'seq':
        for (const x of e.elts) this.expr(x, s);
        return UNKNOWN;
      case 'dict':
        for (const k of e.keys) if (k !== undefined) this.expr(k, s);
        for (const v of e.values) this.expr(v, s);
        return UNKNOWN;
      case 'comp': {
        const inner = new Scope(s);
        for (const g of e.generators) {
          this.expr(g.iter, inner);
          this.bind(g.target, UNKNOWN, inner);
          for (const c of g.ifs) this.expr(c, inner);
        }
        this.expr(e.elt, inner);
        if (e.value !== undefined) this.expr(e.value, inner);
        return UNKNOWN;
      }
      case 'starred':
      case 'await':
        this.expr(e.value, s);
        return UNKNOWN;
      case 'walrus': {
        const v = this.expr(e.value, s);
        s.vars.set(e.target, v);
        return v;
      }
      case 'yield':
        if (e.value !== undefined) this.expr(e.value, s);
        return UNKNOWN;
    }
  }

  private name(id: string, line: number, s: Scope): Val {
    const v = s.lookup(id) ?? this.fromStar(id);
    if (v !== undefined) {
      if (v.t === 'obj') this.reach(v.name, line, false);
      return v;
    }
    if (!BUILTIN_NAMES.has(id) || MODULE_DUNDERS.has(id)) return UNKNOWN;
    if (id === '__builtins__') return { t: 'mod', name: 'builtins' };
    // Held, not called (a call is judged by `call`: open, getattr and __import__ by their arguments).
    this.reach(`builtins.${id}`, line, false);
    return { t: 'obj', name: `builtins.${id}` };
  }

  private attr(base: Val, attr: string, line: number): Val {
    if (ESCAPE_ATTRS.has(attr)) {
      this.find({
        severity: 'malicious',
        line,
        call: `.${attr}`,
        why: `reads the attribute ${attr}, which walks to arbitrary objects (globals, subclasses, frames)`,
      });
      return UNKNOWN;
    }
    if (PLAIN_DUNDERS.has(attr) && !this.opts.strict) return UNKNOWN;
    switch (base.t) {
      case 'mod': {
        const full = `${base.name}.${attr}`;
        if (isTrackedModule(full)) return { t: 'mod', name: full };
        this.reach(full, line, false);
        return { t: 'obj', name: full };
      }
      case 'obj':
        this.reach(`${base.name}.${attr}`, line, false);
        return { t: 'obj', name: `${base.name}.${attr}` };
      case 'inst':
        this.reach(`${base.cls}.${attr}`, line, false);
        return { t: 'obj', name: `${base.cls}.${attr}` };
      default:
        return UNKNOWN;
    }
  }

  private call(e: Extract<Expr, { k: 'call' }>, s: Scope): Val {
    const fn = this.callee(e.func, s);
    const args = e.args.map((a) => this.expr(a, s));
    const kws = new Map<string, Val>();
    for (const k of e.keywords) {
      const v = this.expr(k.value, s);
      if (k.name !== undefined) kws.set(k.name, v);
    }
    if (fn.t === 'obj') {
      const special = this.special(fn.name, e, args, kws);
      if (special !== undefined) return special;
    }
    if (!this.opts.strict) {
      const own = this.handWritten(fn, e, args, kws);
      if (own !== undefined) return own;
    }
    if (fn.t === 'unknown' && e.func.k === 'attr' && DANGEROUS_ATTRS.has(e.func.attr)) {
      this.find({
        severity: 'suspicious',
        line: e.line,
        call: `.${e.func.attr}()`,
        why: `calls a method named ${e.func.attr} on a value the analyser cannot identify`,
      });
    }
    return this.callValue(fn, e.line, s);
  }

  /**
   * Hand-written code: a call judged by its arguments (`own-code.ts`), a
   * decoder whose result is carried bytes, an instance of a local class.
   * Apart from `call` to keep its frame small (left-nested calls recurse
   * through it up to the expression depth limit).
   */
  private handWritten(fn: Val, e: Extract<Expr, { k: 'call' }>, args: Val[], kws: Map<string, Val>): Val | undefined {
    if (fn.t === 'local') {
      // An instance of a class this code defines: its methods are read where they are written.
      return /^[A-Z]/.test(fn.name.slice(fn.name.lastIndexOf('.') + 1)) ? { t: 'local', name: fn.name } : undefined;
    }
    if (fn.t !== 'obj') return undefined;
    const kinds = e.args.map((a, i) => (a.k === 'starred' ? 'other' : this.argKind(a, args[i] ?? UNKNOWN)));
    const kwKinds = new Map<string, { kind: ArgKind; value: unknown }>();
    for (const k of e.keywords) {
      if (k.name !== undefined)
        kwKinds.set(k.name, { kind: this.argKind(k.value, kws.get(k.name) ?? UNKNOWN), value: k.value.k === 'const' ? k.value.value : undefined });
    }
    if (ownCodeCall(fn.name, this.ownCall(kinds, kwKinds)) === true) {
      if (!this.result.calls.has(fn.name)) this.result.calls.set(fn.name, e.line);
      return UNKNOWN;
    }
    if (makesBlob(fn.name)) {
      this.reach(fn.name, e.line, true);
      return { t: 'blob' };
    }
    return undefined;
  }

  /** The value called, without judging an `obj` as held (the call judges it). */
  private callee(f: Expr, s: Scope): Val {
    if (f.k === 'name') {
      const v = s.lookup(f.id) ?? this.fromStar(f.id);
      if (v !== undefined) return v;
      return BUILTIN_NAMES.has(f.id) ? { t: 'obj', name: `builtins.${f.id}` } : UNKNOWN;
    }
    if (f.k === 'attr') {
      const base = this.expr(f.value, s);
      if (ESCAPE_ATTRS.has(f.attr)) return this.attr(base, f.attr, f.line);
      if (base.t === 'mod') {
        const full = `${base.name}.${f.attr}`;
        return isTrackedModule(full) ? { t: 'mod', name: full } : { t: 'obj', name: full };
      }
      if (base.t === 'obj') return { t: 'obj', name: `${base.name}.${f.attr}` };
      if (base.t === 'inst') return { t: 'obj', name: `${base.cls}.${f.attr}` };
      return UNKNOWN;
    }
    return this.expr(f, s);
  }

  /** A name a star import may have bound: the first star-imported module whose definitions the tables list under it. */
  private fromStar(id: string): Val | undefined {
    if (id.startsWith('_')) return undefined; // star imports skip private names
    for (const m of this.starModules) {
      const full = `${m}.${id}`;
      if (isTrackedModule(full)) return { t: 'mod', name: full };
      if (judgeName(this.opts.policy, full).kind !== 'unknown') return { t: 'obj', name: full };
    }
    return undefined;
  }

  private callValue(fn: Val, line: number, _s: Scope): Val {
    if (fn.t !== 'obj') return UNKNOWN;
    this.reach(fn.name, line, true);
    // A class called makes an instance; its methods are then resolved through the class.
    return /^[A-Z]/.test(fn.name.slice(fn.name.lastIndexOf('.') + 1)) ? { t: 'inst', cls: fn.name } : UNKNOWN;
  }

  /** Builtins judged by their arguments: getattr, open, __import__, importlib.import_module. */
  private special(name: string, e: Extract<Expr, { k: 'call' }>, args: Val[], kws: Map<string, Val>): Val | undefined {
    const line = e.line;
    switch (name) {
      case 'builtins.getattr':
      case 'builtins.hasattr':
      case 'builtins.setattr':
      case 'builtins.delattr': {
        const [obj, key] = [args[0] ?? UNKNOWN, args[1] ?? UNKNOWN];
        if (key.t === 'str') {
          if (name !== 'builtins.getattr') return UNKNOWN;
          return this.attr(obj, key.v, line);
        }
        const on = obj.t === 'mod' || obj.t === 'obj' ? (obj.t === 'mod' ? obj.name : obj.name) : undefined;
        const what = `${name.slice(9)}(${on ?? 'a value'}, <computed name>)`;
        if (on !== undefined)
          this.find({ severity: 'suspicious', line, call: what, why: `${what} reaches an attribute of ${on} whose name is computed at run time` });
        else if (this.opts.strict) this.find({ severity: 'suspicious', line, call: what, why: `${what}: an attribute whose name is computed at run time` });
        return UNKNOWN;
      }
      case 'builtins.__import__':
      case 'importlib.import_module': {
        const m = args[0];
        if (m?.t === 'str' && /^[A-Za-z_][\w.]*$/.test(m.v)) {
          // A constant name is an import statement spelled as a call: what the code then reaches is judged.
          this.importModule(m.v, line);
          return { t: 'mod', name: name === 'builtins.__import__' ? (m.v.split('.')[0] ?? m.v) : m.v };
        }
        this.find({ severity: 'malicious', line, call: `${name}(<computed>)`, why: 'imports a module whose name is computed at run time' });
        return UNKNOWN;
      }
      case 'builtins.open':
      case 'io.open':
      case 'codecs.open':
      case 'pathlib.Path.open':
      case 'pathlib.PosixPath.open':
      case 'pathlib.WindowsPath.open': {
        // Path(p).open(mode) takes the mode first; open, io.open and codecs.open second.
        const mode = (name.startsWith('pathlib.') ? args[0] : args[1]) ?? kws.get('mode');
        if (mode === undefined || (mode.t === 'str' && !/[wax+]/.test(mode.v))) {
          this.result.calls.set(name, this.result.calls.get(name) ?? line);
          return UNKNOWN; // reading a file the code names
        }
        const m = mode.t === 'str' ? `'${mode.v}'` : 'a computed mode';
        this.find({ severity: 'malicious', line, call: `${name}(…, ${m})`, why: `opens a file with ${m}, which creates or writes it` });
        return UNKNOWN;
      }
      default:
        return undefined;
    }
  }
}
