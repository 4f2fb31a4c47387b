/**
 * The two shapes in which pickle itself writes `builtins.getattr`, which
 * is otherwise a denied gadget:
 *
 * - `getattr(<global>, 'name')`: a dotted qualified name as protocols 0-3
 *   write it (`save_global` for a staticmethod or a nested class), the same
 *   thing protocol 4 writes as STACK_GLOBAL('mod', 'Cls.name'). It becomes
 *   that dotted global, judged by the policy like any other.
 * - `getattr(<object built here>, 'name')`: a bound method
 *   (`method.__reduce__`), as PyTorch 1.x OneCycleLR keeps its anneal
 *   function. Whoever holds it calls `Class.name` on an object of the file's
 *   making, so it is recorded as a `call` of `Class.name` (the receiver's
 *   class): only entries that say such a call is inert accept it. An
 *   instance attribute the receiver's BUILD set is returned as what it is.
 *
 * Everything else about getattr stays denied: a module receiver reaching
 * `system`, a dunder name, a third argument, a computed name. Calling a
 * bound method while loading is malicious wherever it happens.
 */
import type { Severity } from '../../findings/finding.js';
import { DANGEROUS_ATTRS } from '../../python-globals/denylist.js';
import { isDunder } from '../../python-globals/names.js';
import type { Use } from '../../python-globals/types.js';
import { classOf } from './object-class.js';
import type { Site } from './machine.js';
import { render } from './render.js';
import { PICKLE_RULES } from './rules.js';
import { PyGlobal, PyObject, PyTuple, type PyValue } from './values.js';

export interface GetattrHost {
  record(g: PyGlobal, use: Use, site: Site, call?: () => string): void;
  report(rule: { id: string }, severity: Severity, message: string, site: Site, extra?: { global?: string; call?: string; use?: string }): void;
  /** A bound method whose `Class.name` cannot be told (the receiver's class is unknown, or its state may shadow the name). */
  unresolved(what: string, site: Site): void;
}

export class GetattrShapes {
  private readonly host: GetattrHost;
  /** Results of getattr taken as bound methods. */
  private readonly bound = new Set<PyObject>();
  /** getattr calls accepted in a shape pickle writes, per getattr global (for the info finding). */
  private readonly safe = new Map<string, { count: number; site: Site; call: string }>();

  constructor(host: GetattrHost) {
    this.host = host;
  }

  /** A call of `callee`: the value getattr yields if it is one of the two shapes, else undefined. */
  onCall(obj: PyObject, callee: PyGlobal, site: Site, call: () => string): PyValue | undefined {
    const ops = getattrOperands(obj, callee);
    if (ops === undefined) return undefined;
    const [target, name] = ops;
    if (target instanceof PyGlobal && !isDunder(name)) {
      const resolved = new PyGlobal(target.module, `${target.name}.${name}`, site.pos, `getattr(${target.full}, '${name}')`);
      this.count(callee, site, () => `getattr(${target.full}, '${name}') as the dotted name ${resolved.full}`);
      this.host.record(resolved, 'import', site);
      return resolved;
    }
    if (!(target instanceof PyObject) || (target.origin !== 'call' && target.origin !== 'new') || this.bound.has(target)) return undefined;
    if (name.startsWith('__') || isDunder(name) || DANGEROUS_ATTRS.has(name)) return undefined;
    this.count(callee, site, call);
    return this.boundMethod(obj, target, name, site);
  }

  isBound(v: PyObject): boolean {
    return this.bound.has(v);
  }

  /** How a getattr global was used in the accepted shapes, if it was. */
  safeShapes(full: string): { count: number; site: Site; call: string } | undefined {
    return this.safe.get(full);
  }

  /** Calling a bound method while loading. */
  reportCall(fn: PyObject, text: string, site: Site): void {
    this.host.report(
      PICKLE_RULES.dangerous,
      'malicious',
      `calls a method fetched with getattr (${render(fn)}): ${text}; a pickle calling methods of the objects it built chains gadgets`,
      site,
      { global: 'builtins.getattr', use: 'call', call: text },
    );
  }

  private count(callee: PyGlobal, site: Site, call: () => string): void {
    const prev = this.safe.get(callee.full);
    if (prev === undefined) this.safe.set(callee.full, { count: 1, site, call: call() });
    else prev.count++;
  }

  private boundMethod(obj: PyObject, target: PyObject, name: string, site: Site): PyValue {
    this.bound.add(obj);
    const attr = target.attribute(name);
    if (attr !== 'absent' && attr !== 'unknown') return attr.value;
    const cls = attr === 'unknown' ? undefined : classOf(target);
    const identity = cls === undefined ? undefined : new PyGlobal(cls.module, `${cls.name}.${name}`, site.pos, `getattr(<${cls.full} object>, '${name}')`);
    const unknownWhy = attr === 'unknown' ? 'its state may set that attribute' : `a method of an object returned by ${render(target.callee)}`;
    obj.bound = { receiver: target, name, identity, ...(identity === undefined ? { unknownWhy } : {}) };
    const text = (): string => `getattr(${render(target)}, '${name}')`;
    if (identity !== undefined) this.host.record(identity, 'call', site, text);
    else this.host.unresolved(`${text()} (${unknownWhy})`, site);
    return obj;
  }
}

/** `getattr(target, 'name')` with exactly two arguments and a plain identifier: the operands, else undefined. */
function getattrOperands(obj: PyObject, callee: PyGlobal): [PyValue, string] | undefined {
  if (callee.full !== 'builtins.getattr' || obj.origin !== 'call' || obj.kwargs !== undefined) return undefined;
  if (!(obj.args instanceof PyTuple) || obj.args.items.length !== 2) return undefined;
  const [target, name] = obj.args.items as [PyValue, PyValue];
  return typeof name === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name) ? [target, name] : undefined;
}
