/**
 * Sink operators named through any receiver. TorchScript lets a local name
 * hold a builtin module (`t = torch`, `a = ops.aten`, `m = getattr(torch,
 * 'autograd')`: the compiler keeps such values as "sugared" variables), so a
 * file operator can be reached as `t.save(...)` with no `torch.` in sight.
 * What cannot change is the operator's own name: it is written as an
 * attribute (`.save`) or as the literal `getattr` requires (TorchScript
 * accepts only a string literal there). Every such use is a sink unless its
 * receiver is a parameter of the enclosing function that is never rebound
 * (a parameter is a typed value, never a module, and a tensor method of that
 * name does not exist: aten::save's first argument is not `self`).
 */

import type { Expr, Stmt } from '../../python/ast.js';

/** aten operators that read or write files (torch.from_file with shared=True writes). */
const FILE_OPS = new Set(['from_file', 'load', 'save', '_load_for_mobile', '_save_for_mobile', '_load_parameters', 'import_ir_module']);

/** Whether one component of an operator name is a file, JIT or Python sink. */
export function isSinkName(name: string): boolean {
  return FILE_OPS.has(name) || name.startsWith('_jit') || name === 'PythonOp';
}

export interface SinkUse {
  op: string;
  line: number;
  why: string;
}

/** Nodes visited (the parser bounds depth and size; this bounds the walk's own work). */
const MAX_NODES = 4_000_000;

/** Every attribute or getattr literal naming a sink whose receiver is not a parameter that is never rebound. */
export function sinkNameUses(body: Stmt[]): SinkUse[] {
  const rebound = boundNames(body);
  const out: SinkUse[] = [];
  const stack: { n: unknown; params: ReadonlySet<string> }[] = [{ n: body, params: new Set() }];
  let visited = 0;
  while (stack.length > 0 && visited++ < MAX_NODES) {
    const { n, params } = stack.pop() as { n: unknown; params: ReadonlySet<string> };
    if (Array.isArray(n)) {
      for (const c of n as unknown[]) stack.push({ n: c, params });
      continue;
    }
    if (typeof n !== 'object' || n === null) continue;
    const node = n as Record<string, unknown> & { k?: string; line?: number };
    let inner = params;
    if (node.k === 'def') {
      const def = node as unknown as Extract<Stmt, { k: 'def' }>;
      inner = new Set([...params, ...def.params.params.map((p) => p.name)]);
    }
    const typed = node as unknown as Expr;
    const trusted = (recv: Expr): boolean => {
      const root = rootName(recv);
      return root !== undefined && inner.has(root) && !rebound.has(root);
    };
    if (typed.k === 'attr' && isSinkName(typed.attr) && !trusted(typed.value)) {
      out.push({
        op: `aten::${typed.attr}`,
        line: typed.line,
        why: `reaches the operator ${typed.attr} through a value that may be a builtin module (reads or writes files)`,
      });
    } else if (typed.k === 'call' && typed.func.k === 'name' && typed.func.id === 'getattr') {
      const [recv, attr] = typed.args;
      if (attr?.k === 'const' && typeof attr.value === 'string' && isSinkName(attr.value) && (recv === undefined || !trusted(recv))) {
        out.push({ op: `aten::${attr.value}`, line: typed.line, why: `getattr names the operator ${attr.value} (reads or writes files)` });
      }
    }
    for (const v of Object.values(node)) if (typeof v === 'object' && v !== null) stack.push({ n: v, params: inner });
  }
  if (stack.length > 0) out.push({ op: 'engine/limit', line: 0, why: `code larger than ${MAX_NODES} nodes was not walked to the end` });
  return out;
}

/** The name an attribute chain starts from (`a` in `a.b.c`), or undefined when it starts from a call or subscript. */
function rootName(e: Expr): string | undefined {
  let cur = e;
  while (cur.k === 'attr') cur = cur.value;
  return cur.k === 'name' ? cur.id : undefined;
}

/** Every name some statement binds (assignment, for, with, walrus, comprehension, import, except ... as), anywhere. */
function boundNames(body: Stmt[]): Set<string> {
  const names = new Set<string>();
  const addTarget = (t: Expr | undefined): void => {
    if (t === undefined) return;
    if (t.k === 'name') names.add(t.id);
    else if (t.k === 'seq') for (const e of t.elts) addTarget(e);
    else if (t.k === 'starred') addTarget(t.value);
  };
  const stack: unknown[] = [body];
  let visited = 0;
  while (stack.length > 0 && visited++ < MAX_NODES) {
    const n = stack.pop();
    if (Array.isArray(n)) {
      stack.push(...(n as unknown[]));
      continue;
    }
    if (typeof n !== 'object' || n === null) continue;
    const node = n as Stmt | Expr;
    switch (node.k) {
      case 'assign':
        node.targets.forEach(addTarget);
        break;
      case 'augassign':
      case 'annassign':
        addTarget(node.target);
        break;
      case 'for':
        addTarget(node.target);
        break;
      case 'with':
        for (const it of node.items) addTarget(it.target);
        break;
      case 'walrus':
        names.add(node.target);
        break;
      case 'comp':
        for (const g of node.generators) addTarget(g.target);
        break;
      case 'import':
      case 'from':
        for (const i of node.names) names.add(i.asname ?? i.name.split('.')[0] ?? i.name);
        break;
      case 'try':
        for (const h of node.handlers) if (h.name !== undefined) names.add(h.name);
        break;
      case 'global':
        for (const g of node.names) names.add(g);
        break;
      default:
        break;
    }
    for (const v of Object.values(node)) if (typeof v === 'object' && v !== null) stack.push(v);
  }
  return names;
}
