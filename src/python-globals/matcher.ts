/**
 * Name matching for allow and deny entries.
 *
 * Pattern components: a literal, `*` (any one component), `**` (one or more
 * components), `{Class}` (a CapWords identifier), `{func}` (a lowercase
 * identifier), or a literal ending in `*` (a raw prefix of one component,
 * for families like `torch._C._jit_*`).
 */
import { isClassName, isIdentifier } from './names.js';

type Part = { k: 'lit'; v: string } | { k: 'prefix'; v: string } | { k: 'any' } | { k: 'many' } | { k: 'class' } | { k: 'func' };

function compile(pattern: string): Part[] {
  return pattern.split('.').map((c): Part => {
    if (c === '*') return { k: 'any' };
    if (c === '**') return { k: 'many' };
    if (c === '{Class}') return { k: 'class' };
    if (c === '{func}') return { k: 'func' };
    if (c.endsWith('*')) return { k: 'prefix', v: c.slice(0, -1) };
    return { k: 'lit', v: c };
  });
}

function partMatches(p: Part, c: string): boolean {
  switch (p.k) {
    case 'lit':
      return p.v === c;
    case 'prefix':
      return c.startsWith(p.v);
    case 'any':
    case 'many':
      return isIdentifier(c);
    case 'class':
      return isClassName(c);
    case 'func':
      return isIdentifier(c) && /^_*[a-z]/.test(c);
  }
}

/** Whether all of `comps` is matched by `parts` (`**` spans one or more components). */
function matchAll(parts: readonly Part[], comps: readonly string[], pi = 0, ci = 0): boolean {
  if (pi === parts.length) return ci === comps.length;
  const p = parts[pi] as Part;
  if (p.k === 'many') {
    for (let n = 1; ci + n <= comps.length; n++) {
      let ok = true;
      for (let j = ci; j < ci + n; j++) if (!isIdentifier(comps[j] as string)) ok = false;
      if (ok && matchAll(parts, comps, pi + 1, ci + n)) return true;
    }
    return false;
  }
  if (ci >= comps.length || !partMatches(p, comps[ci] as string)) return false;
  return matchAll(parts, comps, pi + 1, ci + 1);
}

/** Whether a prefix of `comps` is matched by `parts` (the entry covers everything under it). */
function matchPrefix(parts: readonly Part[], comps: readonly string[]): boolean {
  for (let n = parts.length; n <= comps.length; n++) {
    if (matchAll(parts, comps.slice(0, n))) return true;
  }
  return false;
}

/** Kinds of definitions the generated tables know (function, class, value, native). */
export type DefinitionKind = 'f' | 'c' | 'v' | 'n';

function kindFits(p: Part, kind: DefinitionKind): boolean {
  switch (p.k) {
    case 'class':
      return kind === 'c' || kind === 'n';
    case 'func':
      return kind === 'f' || kind === 'n';
    case 'lit':
    case 'prefix':
    case 'any':
    case 'many':
      return true;
  }
}

export interface Compiled<T> {
  entry: T;
  parts: Part[];
}

/** Exact-name index plus pattern list, first match wins in declaration order. */
export class NameIndex<T extends { name: string }> {
  private readonly exact = new Map<string, { entry: T; order: number }>();
  private readonly patterns: { entry: T; parts: Part[]; order: number }[] = [];
  private readonly subtree: boolean;

  /** `subtree`: an entry also matches every name under it (deny semantics). */
  constructor(entries: readonly T[], subtree: boolean) {
    this.subtree = subtree;
    entries.forEach((entry, order) => {
      if (/[*{]/.test(entry.name)) this.patterns.push({ entry, parts: compile(entry.name), order });
      else if (!this.exact.has(entry.name)) this.exact.set(entry.name, { entry, order });
    });
  }

  /**
   * The entry for a name read from the generated tables: an exact entry for
   * `full`, or a pattern whose last component admits a definition of this
   * kind (`{Class}` a class or native type, `{func}` a function or native
   * callable, anything else any definition). Patterns never admit a module,
   * an alias or a name the tables do not know: they stand for what a module
   * defines.
   */
  lookupDefined(full: string, kind: DefinitionKind | undefined): T | undefined {
    const exact = this.exact.get(full);
    let best = exact;
    if (kind === undefined) return best?.entry;
    const comps = full.split('.');
    for (const p of this.patterns) {
      if (best !== undefined && p.order > best.order) continue;
      const last = p.parts[p.parts.length - 1];
      if (last === undefined || !kindFits(last, kind)) continue;
      if (matchAll(p.parts, comps) && (best === undefined || p.order < best.order)) best = p;
    }
    return best?.entry;
  }

  /** An exact (non-pattern) entry for `full`. */
  lookupExact(full: string): T | undefined {
    return this.exact.get(full)?.entry;
  }

  lookup(full: string): T | undefined {
    const comps = full.split('.');
    let best: { entry: T; order: number } | undefined;
    if (this.subtree) {
      for (let n = 1; n <= comps.length; n++) {
        const hit = this.exact.get(comps.slice(0, n).join('.'));
        if (hit !== undefined && (best === undefined || hit.order < best.order)) best = hit;
      }
    } else {
      best = this.exact.get(full);
    }
    for (const p of this.patterns) {
      if (best !== undefined && p.order > best.order) continue;
      const ok = this.subtree ? matchPrefix(p.parts, comps) : matchAll(p.parts, comps);
      if (ok && (best === undefined || p.order < best.order)) best = p;
    }
    return best?.entry;
  }
}

/** Whether `full` is `base` or under it. */
export function isUnder(full: string, base: string): boolean {
  return full === base || full.startsWith(`${base}.`);
}
