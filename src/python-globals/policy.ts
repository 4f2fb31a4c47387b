/**
 * What decides whether a pickled global is acceptable: the denylist
 * (absolute), then the path checks that catch traversal tricks, then the
 * profile's allowlist plus the user's. Default deny: anything not allowed
 * is at least suspicious.
 */
import { isDunder } from './names.js';
import { DANGEROUS_ATTRS, DENIED_LAST, DENIED_ROOTS, DENYLIST } from './denylist.js';
import { NameIndex, isUnder } from './matcher.js';
import type { AllowEntry, DenyEntry, Profile, Use } from './types.js';

export type Judgement =
  { kind: 'denied'; why: string; matched: string } | { kind: 'allowed'; entry: AllowEntry; source: 'profile' | 'user' } | { kind: 'unknown' };

const denyIndex = new NameIndex<DenyEntry>(DENYLIST, true);

function denied(full: string): DenyEntry | undefined {
  const e = denyIndex.lookup(full);
  if (e === undefined) return undefined;
  if (e.except?.some((x) => isUnder(full, x)) === true) return undefined;
  return e;
}

export class Policy {
  readonly profile: Profile;
  private readonly allow: NameIndex<AllowEntry>;
  private readonly user: NameIndex<AllowEntry>;
  private readonly cache = new Map<string, Judgement>();

  constructor(profile: Profile, userAllow: readonly AllowEntry[] = []) {
    this.profile = profile;
    this.allow = new NameIndex(profile.allow, false);
    this.user = new NameIndex(userAllow, false);
  }

  /** Judges `module`.`name` as `find_class` would resolve it. */
  judge(module: string, name: string, full = `${module}.${name}`): Judgement {
    let j = this.cache.get(full);
    if (j === undefined) {
      j = this.decide(module, name, full);
      this.cache.set(full, j);
    }
    return j;
  }

  private decide(module: string, name: string, full: string): Judgement {
    const d = denied(full);
    if (d !== undefined) return { kind: 'denied', why: d.why, matched: d.name };
    const comps = name.split('.');
    // Dotted names are resolved attribute by attribute: walking through a dunder
    // (`__globals__`, `__builtins__`, `__subclasses__`) reaches anything.
    const exactAllow = this.allow.lookup(full) ?? this.user.lookup(full);
    if (comps.some(isDunder) && exactAllow === undefined) {
      return { kind: 'denied', why: 'walks through a dunder attribute, which reaches arbitrary objects', matched: full };
    }
    if (comps.length > 1) {
      // `torch.serialization` + `os.system`: a module imported by another one,
      // reached through its namespace. Re-check the path from that component.
      for (let i = 0; i < comps.length; i++) {
        const c = comps[i] as string;
        if (i < comps.length - 1 ? !DENIED_ROOTS.has(c) : !DENIED_LAST.has(c)) continue;
        const rest = comps.slice(i).join('.');
        const viaRoot = c === '__builtins__' || c === '__builtin__' ? ['builtins', ...comps.slice(i + 1)].join('.') : rest;
        const dd = denied(viaRoot);
        return {
          kind: 'denied',
          why: `reaches ${viaRoot} through ${module}.${comps.slice(0, i + 1).join('.')}${dd === undefined ? '' : `, which ${dd.why}`}`,
          matched: viaRoot,
        };
      }
      // `torch.nn.modules.module` + `torch.utils.cpp_extension.load_inline`: any
      // module a module imported is an attribute of it; re-check every tail.
      for (let i = 0; i < comps.length - 1; i++) {
        const tail = comps.slice(i).join('.');
        const dd = denied(tail);
        const via = [module, ...comps.slice(0, i)].join('.');
        if (dd !== undefined) return { kind: 'denied', why: `reaches ${tail} through ${via}, which ${dd.why}`, matched: tail };
      }
      const last = comps[comps.length - 1] as string;
      if (DANGEROUS_ATTRS.has(last) && exactAllow === undefined) {
        return { kind: 'denied', why: `reaches an attribute named '${last}' through a dotted path`, matched: full };
      }
    }
    const u = this.user.lookup(full);
    if (u !== undefined) return { kind: 'allowed', entry: u, source: 'user' };
    const a = this.allow.lookup(full);
    if (a !== undefined) return { kind: 'allowed', entry: a, source: 'profile' };
    return { kind: 'unknown' };
  }

  /** Whether an allowed entry permits `use` (importing is implied by any permitted use). */
  static permits(j: Judgement, use: Use): boolean {
    if (j.kind !== 'allowed') return false;
    return use === 'import' || j.entry.uses.includes(use);
  }
}
