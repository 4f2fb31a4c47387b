/**
 * The AST half of the SSTI analysis: walks @huggingface/jinja's AST (seen
 * structurally: its node classes are not exported) and reports attribute
 * reads, folded names, escape globals and sink chains.
 */
import { fold, isNode, isStringBuilding, type JNode } from './template-fold.js';
import { CALLABLE_GLOBALS, ESCAPE_GLOBALS, attributeParts, classifyAttribute, classifyString, isSink, type NameIssue } from './template-names.js';

export interface TemplateIssue extends NameIssue {
  /** Short rendering of the expression involved, when known. */
  where?: string;
}

/** Filters whose `attribute=` argument (or first positional argument) names an attribute jinja2 reads with getattr. */
const ATTRIBUTE_FILTERS = new Set(['map', 'selectattr', 'rejectattr', 'sort', 'groupby', 'sum', 'unique', 'min', 'max', 'join', 'dictsort']);
const POSITIONAL_ATTRIBUTE = new Set(['selectattr', 'rejectattr', 'groupby']);
/** AST fields holding statement lists (where text appears as StringLiteral nodes). */
const STATEMENT_LISTS = new Set(['body', 'alternate', 'defaultBlock']);

/** A dunder or mangled name used as a variable or keyword (`__builtins__`, `dict(__class__=1)`). */
export function classifyIdentifier(name: string): NameIssue | undefined {
  const a = classifyAttribute(name);
  if (a !== undefined && a.severity === 'malicious' && name.startsWith('_')) {
    return { severity: 'malicious', why: a.why.replace(/attribute/, 'name') };
  }
  return undefined;
}

function str(n: JNode | undefined, field: string): string | undefined {
  const v = n?.[field];
  return typeof v === 'string' ? v : undefined;
}

function child(n: JNode, field: string): JNode | undefined {
  const v = n[field];
  return isNode(v) ? v : undefined;
}

/** A short source-like rendering of member chains, for messages. */
function render(n: JNode | undefined, budget = 10): string {
  if (n === undefined || budget <= 0) return '…';
  switch (n.type) {
    case 'Identifier':
      return str(n, 'value') ?? '?';
    case 'StringLiteral':
      return JSON.stringify((str(n, 'value') ?? '').slice(0, 40));
    case 'IntegerLiteral':
      return String(n['value']);
    case 'MemberExpression': {
      const obj = render(child(n, 'object'), budget - 1);
      const prop = child(n, 'property');
      return n['computed'] === true ? `${obj}[${render(prop, budget - 1)}]` : `${obj}.${render(prop, budget - 1)}`;
    }
    case 'CallExpression':
      return `${render(child(n, 'callee'), budget - 1)}(…)`;
    case 'FilterExpression':
      return `${render(child(n, 'operand'), budget - 1)}|${render(child(n, 'filter'), budget - 1)}`;
    default:
      return n.type;
  }
}

export class AstWalker {
  private readonly add: (i: TemplateIssue) => void;
  private readonly maxDepth: number;
  private readonly bound = new Set<string>();
  private readonly env = new Map<string, string[]>();
  private tooDeep = false;

  constructor(add: (i: TemplateIssue) => void, maxDepth: number) {
    this.add = add;
    this.maxDepth = maxDepth;
  }

  run(program: JNode): void {
    // Two passes over assignments so chains of `{% set %}` fold (`a = '_'`, `b = a * 2`).
    this.collect(program, 0);
    this.collect(program, 0);
    this.visit(program, 0, false);
    if (this.tooDeep) this.add({ severity: 'suspicious', why: `template nested deeper than ${this.maxDepth} levels; not fully analysed` });
  }

  /** Records names the template binds itself (set, for, macro) and constant string assignments. */
  private collect(n: JNode, depth: number): void {
    if (depth > this.maxDepth) return;
    const bindTarget = (t: JNode | undefined): void => {
      if (t === undefined) return;
      if (t.type === 'Identifier') {
        const name = str(t, 'value');
        if (name !== undefined) this.bound.add(name);
      } else if (t.type === 'TupleLiteral' || t.type === 'ArrayLiteral') {
        for (const x of (t['value'] as unknown[] | undefined) ?? []) if (isNode(x)) bindTarget(x);
      } else if (t.type === 'KeywordArgumentExpression') {
        bindTarget(child(t, 'key'));
      }
    };
    if (n.type === 'Set') {
      const target = child(n, 'assignee');
      bindTarget(target);
      const value = child(n, 'value');
      const name = target?.type === 'Identifier' ? str(target, 'value') : undefined;
      const folded = value === undefined ? undefined : fold(value, this.env);
      if (name !== undefined && folded !== undefined) {
        const prev = this.env.get(name) ?? [];
        this.env.set(name, [...new Set([...prev, ...folded])].slice(0, 16));
      }
    } else if (n.type === 'For') {
      bindTarget(child(n, 'loopvar'));
    } else if (n.type === 'Macro') {
      bindTarget(child(n, 'name'));
      for (const a of (n['args'] as unknown[] | undefined) ?? []) if (isNode(a)) bindTarget(a);
    } else if (n.type === 'CallStatement') {
      for (const a of (n['callerArgs'] as unknown[] | null | undefined) ?? []) if (isNode(a)) bindTarget(a);
    }
    this.eachChild(n, (c) => {
      this.collect(c, depth + 1);
    });
  }

  private eachChild(n: JNode, f: (c: JNode) => void, skip: readonly string[] = []): void {
    for (const [k, v] of Object.entries(n)) {
      if (k === 'type' || k === 'operator' || skip.includes(k)) continue;
      if (isNode(v)) f(v);
      else if (Array.isArray(v)) {
        // In statement lists the parser represents template *text* as StringLiteral: output, not code.
        const statements = STATEMENT_LISTS.has(k);
        for (const x of v) if (isNode(x) && !(statements && x.type === 'StringLiteral')) f(x);
      } else if (v instanceof Map) {
        for (const [a, b] of v as Map<unknown, unknown>) {
          if (isNode(a)) f(a);
          if (isNode(b)) f(b);
        }
      }
    }
  }

  /** Checks an attribute name that jinja2 will resolve with getattr (dot, subscript, attr filter, attribute=). */
  private attributeNamed(nameNode: JNode | undefined, where: string, computed: boolean): void {
    if (nameNode === undefined) return;
    if (!computed) {
      const name = str(nameNode, 'value');
      if (name === undefined) return;
      const a = classifyAttribute(name);
      if (a !== undefined) this.add({ ...a, where });
      return;
    }
    if (nameNode.type === 'SliceExpression' || nameNode.type === 'IntegerLiteral') return;
    const values = fold(nameNode, this.env);
    if (values !== undefined) {
      for (const v of values) {
        for (const part of attributeParts(v)) {
          const a = classifyAttribute(part);
          if (a !== undefined) this.add({ ...a, where });
        }
        const s = classifyString(v);
        if (s !== undefined) this.add({ ...s, where });
      }
    } else if (isStringBuilding(nameNode)) {
      this.add({ severity: 'suspicious', why: 'attribute name assembled at render time (obfuscation)', where });
    }
  }

  private visit(n: JNode, depth: number, isCallee: boolean): void {
    if (depth > this.maxDepth) {
      this.tooDeep = true;
      return;
    }
    const d = depth + 1;
    switch (n.type) {
      case 'Identifier': {
        const name = str(n, 'value') ?? '';
        const id = classifyIdentifier(name);
        if (id !== undefined) this.add({ ...id, where: name });
        if (ESCAPE_GLOBALS.has(name) && !this.bound.has(name) && !(isCallee && CALLABLE_GLOBALS.has(name))) {
          this.add({ severity: 'suspicious', why: `reference to ${name}, a global used to escape the template`, where: name });
        }
        return;
      }
      case 'StringLiteral': {
        const s = classifyString(str(n, 'value') ?? '');
        if (s !== undefined) this.add({ ...s, where: render(n) });
        return;
      }
      case 'MemberExpression': {
        const computed = n['computed'] === true;
        this.attributeNamed(child(n, 'property'), render(n), computed);
        this.sinkChain(n);
        this.visit(child(n, 'object') ?? n, d, false);
        const prop = child(n, 'property');
        if (computed && prop !== undefined) this.visit(prop, d, false);
        return;
      }
      case 'CallExpression': {
        this.foldedString(n);
        const callee = child(n, 'callee');
        if (callee !== undefined) this.visit(callee, d, true);
        for (const a of (n['args'] as unknown[] | undefined) ?? []) if (isNode(a)) this.visit(a, d, false);
        return;
      }
      case 'FilterExpression':
        this.foldedString(n);
        this.filter(n, child(n, 'filter'), d);
        if (child(n, 'operand') !== undefined) this.visit(child(n, 'operand') as JNode, d, false);
        return;
      case 'FilterStatement':
        this.filter(n, child(n, 'filter'), d);
        for (const s of (n['body'] as unknown[] | undefined) ?? []) if (isNode(s) && s.type !== 'StringLiteral') this.visit(s, d, false);
        return;
      case 'TestExpression':
        if (child(n, 'operand') !== undefined) this.visit(child(n, 'operand') as JNode, d, false);
        return;
      case 'KeywordArgumentExpression': {
        const key = str(child(n, 'key'), 'value') ?? '';
        const id = classifyIdentifier(key);
        if (id !== undefined) this.add({ ...id, where: `${key}=` });
        if (child(n, 'value') !== undefined) this.visit(child(n, 'value') as JNode, d, false);
        return;
      }
      case 'BinaryExpression':
        this.foldedString(n);
        this.eachChild(n, (c) => {
          this.visit(c, d, false);
        });
        return;
      case 'Set': {
        const target = child(n, 'assignee');
        // `{% set ns.x = ... %}` writes an attribute: check it like a read.
        if (target !== undefined && target.type !== 'Identifier') this.visit(target, d, false);
        this.eachChild(
          n,
          (c) => {
            this.visit(c, d, false);
          },
          ['assignee'],
        );
        return;
      }
      case 'For':
        this.eachChild(
          n,
          (c) => {
            this.visit(c, d, false);
          },
          ['loopvar'],
        );
        return;
      case 'Macro':
        this.eachChild(
          n,
          (c) => {
            this.visit(c, d, false);
          },
          ['name'],
        );
        return;
      default:
        this.eachChild(n, (c) => {
          this.visit(c, d, false);
        });
    }
  }

  /** `<escape>.os`, `x.__globals__.popen`: a sink read on a chain that already left the template. */
  private sinkChain(n: JNode): void {
    const prop = child(n, 'property');
    const names = n['computed'] === true ? (prop === undefined ? undefined : fold(prop, this.env)) : [str(prop, 'value') ?? ''];
    const sink = names?.find(isSink);
    if (sink === undefined) return;
    for (let o = child(n, 'object'), k = 0; o !== undefined && k < 32; k++) {
      if (o.type === 'Identifier') {
        const root = str(o, 'value') ?? '';
        if (ESCAPE_GLOBALS.has(root) && !this.bound.has(root)) break;
        return;
      }
      if (o.type === 'MemberExpression') {
        const p = child(o, 'property');
        const attr = o['computed'] === true ? (p === undefined ? undefined : fold(p, this.env)?.[0]) : str(p, 'value');
        if (attr !== undefined && classifyAttribute(attr)?.severity === 'malicious') break;
        o = child(o, 'object');
      } else if (o.type === 'CallExpression') {
        o = child(o, 'callee');
      } else if (o.type === 'FilterExpression') {
        o = child(o, 'operand');
      } else {
        return;
      }
    }
    this.add({ severity: 'malicious', why: `attribute chain reaches ${sink} (code execution)`, where: render(n) });
  }

  /** A string-building expression whose folded value names a dunder. */
  private foldedString(n: JNode): void {
    if (!isStringBuilding(n)) return;
    const values = fold(n, this.env);
    for (const v of values ?? []) {
      const s = classifyString(v);
      if (s !== undefined) this.add({ ...s, why: `${s.why} (assembled from pieces)`, where: render(n) });
    }
  }

  private filter(n: JNode, filter: JNode | undefined, d: number): void {
    if (filter === undefined) return;
    const isCall = filter.type === 'CallExpression';
    const name = str(isCall ? child(filter, 'callee') : filter, 'value') ?? '';
    const args = isCall ? ((filter['args'] as unknown[] | undefined) ?? []).filter(isNode) : [];
    const where = render(n);
    if (name === 'attr') {
      const a0 = args[0];
      if (a0 !== undefined) {
        this.attributeNamed(a0, where, true);
        if (fold(a0, this.env) === undefined) {
          this.add({ severity: 'suspicious', why: 'attr filter with a name computed at render time', where });
        }
      }
    } else if (ATTRIBUTE_FILTERS.has(name)) {
      for (const a of args) {
        if (a.type === 'KeywordArgumentExpression' && str(child(a, 'key'), 'value') === 'attribute') {
          this.attributeNamed(child(a, 'value'), where, true);
        }
      }
      const a0 = args[0];
      if (POSITIONAL_ATTRIBUTE.has(name) && a0 !== undefined && a0.type !== 'KeywordArgumentExpression') {
        this.attributeNamed(a0, where, true);
      }
      // map('attr', '__class__') applies the attr filter to every item.
      if (name === 'map' && a0 !== undefined && fold(a0, this.env)?.includes('attr') === true) {
        this.attributeNamed(args[1], where, true);
      }
    }
    for (const a of args) this.visit(a, d, false);
  }
}
