/**
 * What a pickled global really denotes.
 *
 * `find_class(module, name)` imports `module` and walks `name` attribute by
 * attribute (protocol 4's dotted names; getattr chains at any protocol). An
 * attribute of a module may be something defined there, or an import: the
 * `_os` of a standard-library module is `os`, `torch.nn.Linear` is
 * `torch.nn.modules.linear.Linear`. This resolves the walk through the
 * generated tables (scripts/python-globals: read from the sources, never
 * imported) to the canonical objects the loader would get, so the policy
 * judges what the name denotes, not how it is spelled.
 *
 * A walk may end at several candidates (a module that imports `loads` from
 * `_pickle` or falls back to its own `_loads`; two releases that differ);
 * the policy requires all of them to be acceptable.
 */
import { classBases, isTrackedModule, moduleFlags, nameEntry, targetName, type Target } from './tables.js';

/** What one candidate is. */
export type CanonicalKind =
  | 'module'
  /** Defined in its module: function, class, value, native (a C type or function). */
  | 'f'
  | 'c'
  | 'v'
  | 'n'
  /** Not in the tables: a module not read, a name created at run time, an attribute of a value. */
  | 'unknown';

export interface Canonical {
  /** Dotted canonical name (`os.system`, `torch.nn.modules.linear.Linear`). */
  readonly name: string;
  readonly kind: CanonicalKind;
  /** The module this candidate is defined in (for definitions), or the module itself. */
  readonly module: string;
}

export interface Resolution {
  /** Whether the pickle's module is one the tables know; when false, `targets` is just the written name. */
  readonly tracked: boolean;
  readonly targets: readonly Canonical[];
}

/** Most candidates followed per component (alias unions are small; CWE-400). */
const MAX_CANDIDATES = 16;
/** Most alias and base hops followed for one component (cycles in hostile input cannot come from the tables, but stay bounded; CWE-674). */
const MAX_HOPS = 32;
/** Most components walked (a longer dotted name is judged unknown past this). */
const MAX_COMPONENTS = 24;

type Obj = { t: 'mod'; name: string } | { t: 'def'; module: string; qual: string; kind: 'f' | 'c' | 'v' | 'n' } | { t: 'unk'; path: string };

function nameOf(o: Obj): string {
  switch (o.t) {
    case 'mod':
      return o.name;
    case 'def':
      return `${o.module}.${o.qual}`;
    case 'unk':
      return o.path;
  }
}

/**
 * Whether the tables list every definition of a module (a namespace an
 * allowlist pattern covers) and its namespace is static, so that a member
 * missing from a class there is inherited rather than left out.
 */
export function complete(module: string): boolean {
  const f = moduleFlags(module);
  return f !== undefined && f.includes('f') && !f.includes('o');
}

function fromTarget(t: Target, hops: number): Obj[] {
  if (t.unknown) return [{ t: 'unk', path: targetName(t) }];
  if (t.rest === '') return isTrackedModule(t.module) ? [{ t: 'mod', name: t.module }] : [{ t: 'unk', path: t.module }];
  // Walk the rest inside its module (`os.path.join` may be stored as module os + `path.join`).
  let objs: Obj[] = [{ t: 'mod', name: t.module }];
  for (const c of t.rest.split('.')) objs = objs.flatMap((o) => attr(o, c, hops + 1));
  return objs;
}

function defsOf(module: string, qual: string, kinds: string): Obj[] {
  const out: Obj[] = [];
  for (const k of kinds) {
    if (k === 'f' || k === 'c' || k === 'v' || k === 'n') out.push({ t: 'def', module, qual, kind: k });
    else out.push({ t: 'unk', path: `${module}.${qual}` });
  }
  return out;
}

function moduleAttr(m: string, n: string, hops: number): Obj[] {
  const sub = `${m}.${n}`;
  const out: Obj[] = [];
  const e = nameEntry(m, n);
  if (e !== undefined) {
    out.push(...defsOf(m, n, e.kinds));
    for (const t of e.targets) out.push(...fromTarget(t, hops));
  }
  if (isTrackedModule(sub)) out.push({ t: 'mod', name: sub });
  if (out.length === 0) {
    // A class is listed by its bases line even where its definition line was left out.
    if (classBases(m, n) !== undefined) out.push({ t: 'def', module: m, qual: n, kind: 'c' });
    else out.push({ t: 'unk', path: sub });
  }
  return out;
}

function classAttr(m: string, q: string, n: string, hops: number): Obj[] {
  if (hops > MAX_HOPS) return [{ t: 'unk', path: `${m}.${q}.${n}` }];
  const e = nameEntry(m, `${q}.${n}`);
  if (e !== undefined) {
    const out = defsOf(m, `${q}.${n}`, e.kinds);
    for (const t of e.targets) out.push(...fromTarget(t, hops));
    if (out.length > 0) return out;
  }
  // Inherited: the first base that has it (bases are canonical).
  const bases = classBases(m, q);
  if (bases !== undefined && complete(m)) {
    for (const b of bases) {
      if (b.unknown || b.rest === '') return [{ t: 'unk', path: `${m}.${q}.${n}` }];
      if (b.module === 'builtins' && b.rest === 'object') continue;
      const found = classAttr(b.module, b.rest, n, hops + 1);
      if (!(found.length === 1 && found[0]?.t === 'unk')) return found;
    }
  }
  return [{ t: 'unk', path: `${m}.${q}.${n}` }];
}

function attr(o: Obj, n: string, hops = 0): Obj[] {
  if (hops > MAX_HOPS) return [{ t: 'unk', path: `${nameOf(o)}.${n}` }];
  switch (o.t) {
    case 'mod':
      return moduleAttr(o.name, n, hops);
    case 'def':
      return o.kind === 'c' ? classAttr(o.module, o.qual, n, hops) : [{ t: 'unk', path: `${o.module}.${o.qual}.${n}` }];
    case 'unk':
      return [{ t: 'unk', path: `${o.path}.${n}` }];
  }
}

function toCanonical(o: Obj): Canonical {
  switch (o.t) {
    case 'mod':
      return { name: o.name, kind: 'module', module: o.name };
    case 'def':
      return { name: nameOf(o), kind: o.kind, module: o.module };
    case 'unk':
      return { name: o.path, kind: 'unknown', module: '' };
  }
}

/** Resolves `module` + dotted `name` the way `find_class` does, to canonical candidates. */
export function resolveGlobal(module: string, name: string): Resolution {
  const written = `${module}.${name}`;
  if (!isTrackedModule(module)) return { tracked: false, targets: [{ name: written, kind: 'unknown', module: '' }] };
  const comps = name.split('.');
  if (comps.length > MAX_COMPONENTS) return { tracked: true, targets: [{ name: written, kind: 'unknown', module: '' }] };
  let objs: Obj[] = [{ t: 'mod', name: module }];
  for (const c of comps) {
    const next: Obj[] = [];
    const seen = new Set<string>();
    for (const o of objs) {
      for (const r of attr(o, c)) {
        const key = `${r.t}:${nameOf(r)}:${r.t === 'def' ? r.kind : ''}`;
        if (!seen.has(key) && next.length < MAX_CANDIDATES) {
          seen.add(key);
          next.push(r);
        }
      }
    }
    // A cycle in the sources (a stub re-exporting the module that star-imports it) leaves an
    // unknown twin of a known candidate: the known one says more.
    const known = new Set(next.filter((o) => o.t !== 'unk').map(nameOf));
    objs = next.filter((o) => o.t !== 'unk' || !known.has(o.path));
  }
  return { tracked: true, targets: objs.map(toCanonical) };
}

/**
 * Resolves a dotted path that starts with a module name (`typing._eval_type`,
 * `os.path.join`) from its longest known module prefix, as `find_class`
 * would for that module; undefined when no prefix is a module the tables know.
 */
export function resolveDotted(dotted: string): Resolution | undefined {
  const parts = dotted.split('.');
  for (let i = Math.min(parts.length, MAX_COMPONENTS); i > 0; i--) {
    const m = parts.slice(0, i).join('.');
    if (!isTrackedModule(m)) continue;
    if (i === parts.length) return { tracked: true, targets: [{ name: m, kind: 'module', module: m }] };
    return resolveGlobal(m, parts.slice(i).join('.'));
  }
  return undefined;
}
