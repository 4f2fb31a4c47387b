/**
 * What decides whether a pickled global is acceptable: the denylists
 * (hand-curated, and derived from the libraries' call graphs), then the
 * path checks that catch traversal tricks, then the profile's allowlist
 * plus the user's. Default deny: anything not allowed is at least
 * suspicious.
 *
 * Names are judged as what they denote (canonical.ts): a global that walks
 * from one module into another it merely imported is judged as the object
 * it reaches, and allowlist patterns admit only what the module they name
 * defines, never its imports or re-exports.
 */
import { isDunder } from './names.js';
import { DANGEROUS_ATTRS, DENIED_LAST, DENIED_ROOTS, DENYLIST } from './denylist.js';
import { NameIndex, isUnder } from './matcher.js';
import { resolveDotted, resolveGlobal, type Canonical, type Resolution } from './canonical.js';
import { isTrackedModule } from './tables.js';
import { describeChain, reachesSink } from './reachability.js';
import type { AllowEntry, DenyEntry, Profile, Use } from './types.js';

export type Judgement =
  | {
      kind: 'denied';
      why: string;
      matched: string;
      /** The call chain to a sink, when the generated table decided (`x.y`, `z.w`, `subprocess.Popen`). */
      chain?: readonly string[];
    }
  | { kind: 'allowed'; entry: AllowEntry; source: 'profile' | 'user'; canonical?: string }
  | { kind: 'unknown'; canonical?: string };

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
    const written = this.writtenPath(module, name, full);
    if (written !== undefined) return written;
    const res = resolveGlobal(module, name);
    const bad = this.deniedTarget(full, res);
    if (bad !== undefined) return bad;
    return this.allowed(full, res);
  }

  /** Checks on the path as written: dunder walks, denied modules reached through another module's namespace. */
  private writtenPath(module: string, name: string, full: string): Judgement | undefined {
    const comps = name.split('.');
    // Dotted names are resolved attribute by attribute: walking through a dunder
    // (`__globals__`, `__builtins__`, `__subclasses__`) reaches anything.
    const exactAllow = this.allow.lookup(full) ?? this.user.lookup(full);
    if (comps.some(isDunder) && exactAllow === undefined) {
      return { kind: 'denied', why: 'walks through a dunder attribute, which reaches arbitrary objects', matched: full };
    }
    if (comps.length <= 1) return undefined;
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
    // module a module imported is an attribute of it; re-check every tail,
    // against both denylists (a tail that starts with a module name is read
    // as that module: `x.typing._eval_type` is `typing._eval_type`).
    for (let i = 0; i < comps.length - 1; i++) {
      const tail = comps.slice(i).join('.');
      const dd = denied(tail);
      const via = [module, ...comps.slice(0, i)].join('.');
      if (dd !== undefined) return { kind: 'denied', why: `reaches ${tail} through ${via}, which ${dd.why}`, matched: tail };
      if (!isTrackedModule(comps[i] as string)) continue;
      for (const t of resolveDotted(tail)?.targets ?? []) {
        const dt = denied(t.name);
        if (dt !== undefined) return { kind: 'denied', why: `reaches ${t.name} through ${via}, which ${dt.why}`, matched: t.name };
        const hit = reachesSink(t);
        if (hit !== undefined) {
          return { kind: 'denied', why: `reaches ${t.name} through ${via}, which reaches a sink: ${describeChain(hit)}`, matched: t.name, chain: hit.chain };
        }
      }
    }
    const last = comps[comps.length - 1] as string;
    if (DANGEROUS_ATTRS.has(last) && exactAllow === undefined) {
      return { kind: 'denied', why: `reaches an attribute named '${last}' through a dotted path`, matched: full };
    }
    return undefined;
  }

  /**
   * The canonical candidates against both denylists. A generated entry
   * yields to an exact profile allowlist entry for that name: those are
   * reviewed one by one and say how their effects are checked
   * (`numpy.core._ufunc_reconstruct` imports by name, and the policy judges
   * the name it imports).
   */
  private deniedTarget(full: string, res: Resolution): Judgement | undefined {
    for (const t of res.targets) {
      if (t.name !== full) {
        const d = denied(t.name);
        if (d !== undefined) return { kind: 'denied', why: `is ${t.name}, which ${d.why}`, matched: d.name };
      }
      const hit = reachesSink(t);
      if (hit === undefined) continue;
      if (this.allow.lookupExact(full) !== undefined || this.allow.lookupExact(t.name) !== undefined) continue;
      const is = t.name === full ? '' : `is ${t.name}, which `;
      return { kind: 'denied', why: `${is}reaches a sink: ${describeChain(hit)}`, matched: t.name, chain: hit.chain };
    }
    return undefined;
  }

  private allowed(full: string, res: Resolution): Judgement {
    const canonical = res.targets.length === 1 && res.targets[0]?.name !== full ? res.targets[0]?.name : undefined;
    const extra = canonical === undefined ? {} : { canonical };
    // Exact entries name the object they vouch for: the written name, or what it denotes.
    const u = this.user.lookupExact(full) ?? this.forAll(this.user, res);
    if (u !== undefined) return { kind: 'allowed', entry: u, source: 'user', ...extra };
    const a = this.allow.lookupExact(full) ?? this.forAll(this.allow, res);
    if (a !== undefined) return { kind: 'allowed', entry: a, source: 'profile', ...extra };
    return { kind: 'unknown', ...extra };
  }

  /**
   * The entry admitting every candidate (the first candidate's), or
   * undefined. For a module the tables do not know, patterns match the
   * written name as before; for a known one, only definitions.
   */
  private forAll(index: NameIndex<AllowEntry>, res: Resolution): AllowEntry | undefined {
    let first: AllowEntry | undefined;
    for (const t of res.targets) {
      const e = res.tracked ? index.lookupDefined(t.name, definitionKind(t)) : index.lookup(t.name);
      if (e === undefined) return undefined;
      first ??= e;
    }
    return first;
  }

  /** Whether an allowed entry permits `use` (importing is implied by any permitted use). */
  static permits(j: Judgement, use: Use): boolean {
    if (j.kind !== 'allowed') return false;
    return use === 'import' || j.entry.uses.includes(use);
  }
}

function definitionKind(t: Canonical): 'f' | 'c' | 'v' | 'n' | undefined {
  return t.kind === 'module' || t.kind === 'unknown' ? undefined : t.kind;
}
