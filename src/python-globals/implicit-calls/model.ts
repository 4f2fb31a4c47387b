/**
 * The implicit-call model: for a class or function a pickle names, which
 * of its arguments, instance attributes and container items the loader or
 * the class's own code calls later, merged over the class's bases from the
 * derived table (read from the libraries' Python sources) and the curated
 * one (C types, loader machinery, callers).
 */
import { resolveDotted } from '../canonical.js';
import { NameIndex } from '../matcher.js';
import { CURATED, LOADER_ATTRS, type CuratedEntry } from './curated.js';
import { DERIVED_CLASSES } from './derived.js';
import type { CallableSlots, SetstateKind, Slot } from './slots.js';

interface Derived {
  bases: string[];
  methods: string[];
  calls: { attr: string; items: boolean; callback: boolean; passes: string[] }[];
  via: [string, string][];
  /** `super`: a __setstate__ that hands the state to a base's. */
  setstate: SetstateKind | 'super';
}

function words(s: string | undefined): string[] {
  return s === undefined || s === '' ? [] : s.split(' ');
}

function parseDerived(line: string): Derived {
  const [bases, methods, calls, via, setstate] = line.split('|');
  return {
    setstate: setstate === 'dict' || setstate === 'own' || setstate === 'super' ? setstate : 'none',
    bases: words(bases),
    methods: words(methods),
    calls: words(calls).map((tok) => {
      const m = /^([*+]*)([A-Za-z_][A-Za-z0-9_]*)(?:\(([^)]*)\))?$/.exec(tok);
      const flags = m?.[1] ?? '';
      return { attr: m?.[2] ?? tok, items: flags.includes('*'), callback: flags.includes('+'), passes: m?.[3] === undefined ? [] : m[3].split(',') };
    }),
    via: words(via).map((tok) => {
      const dot = tok.lastIndexOf('.');
      return [tok.slice(0, dot), tok.slice(dot + 1)] as [string, string];
    }),
  };
}

const derivedCache = new Map<string, Derived | undefined>();

function derived(fqn: string): Derived | undefined {
  if (!derivedCache.has(fqn)) {
    const line = Object.hasOwn(DERIVED_CLASSES, fqn) ? DERIVED_CLASSES[fqn] : undefined;
    derivedCache.set(fqn, line === undefined ? undefined : parseDerived(line));
  }
  return derivedCache.get(fqn);
}

const curatedIndexes = CURATED.map((entry) => ({
  entry,
  index: new NameIndex(
    entry.names.map((name) => ({ name })),
    false,
  ),
}));

const curatedCache = new Map<string, CuratedEntry[]>();

function curatedFor(fqn: string): CuratedEntry[] {
  let hit = curatedCache.get(fqn);
  if (hit === undefined) {
    hit = curatedIndexes.filter((c) => c.index.lookup(fqn) !== undefined).map((c) => c.entry);
    curatedCache.set(fqn, hit);
  }
  return hit;
}

/**
 * The names a written global denotes: itself and the canonical definitions it resolves to
 * (`torch.nn.Linear` is `torch.nn.modules.linear.Linear`, the key the derived tables use). Without
 * this a class written by a public alias would escape its slots.
 */
function denoted(fqn: string): string[] {
  const r = resolveDotted(fqn);
  if (r === undefined) return [fqn];
  const defs = r.targets.filter((t) => t.kind !== 'unknown' && t.kind !== 'module').map((t) => t.name);
  return [fqn, ...defs.filter((n) => n !== fqn)];
}

/** The class and its bases, most specific first, each once (bounded: class graphs in the tables are small). */
function ancestors(fqn: string): string[] {
  const out: string[] = [];
  const queue = denoted(fqn);
  while (queue.length > 0 && out.length < 64) {
    const c = queue.shift() as string;
    if (out.includes(c)) continue;
    out.push(c);
    queue.push(...(derived(c)?.bases ?? []), ...curatedFor(c).flatMap((e) => e.bases ?? []));
  }
  return out;
}

function merge(into: Map<string, Slot>, name: string, slot: Slot): void {
  const prev = into.get(name);
  if (prev === undefined) {
    into.set(name, slot);
    return;
  }
  const passes = [...new Set([...(prev.passes ?? []), ...(slot.passes ?? [])])];
  const callback = prev.callback === true || slot.callback === true;
  into.set(name, {
    ...prev,
    calls: prev.calls === 'call' || slot.calls === 'call' ? 'call' : 'invoke',
    ...(prev.items === true || slot.items === true ? { items: true } : {}),
    ...(callback ? { callback } : {}),
    ...(passes.length > 0 ? { passes } : {}),
  });
}

function build(fqn: string): CallableSlots | undefined {
  const attrs = new Map<string, Slot>();
  const via = new Map<string, string[]>();
  const args: Slot[] = [];
  let purpose: string | undefined;
  let itemsAreAttributes = false;
  let partial = false;
  let torchbind = false;
  let known = false;
  let setstate: SetstateKind | 'super' | undefined;
  const lineage = ancestors(fqn);
  for (const c of lineage) {
    for (const e of curatedFor(c)) {
      known = true;
      if (setstate === undefined || setstate === 'none' || setstate === 'super') setstate = e.setstate ?? setstate;
      for (const s of e.slots ?? []) {
        if ('attr' in s.at) merge(attrs, s.at.attr, s);
        else args.push(s);
      }
      for (const m of e.methods ?? []) merge(attrs, m, { at: { attr: m }, calls: 'invoke', when: `a call of its ${m}() method (the attribute shadows it)` });
      purpose ??= e.purpose;
      itemsAreAttributes ||= e.itemsAreAttributes === true;
      partial ||= e.partial === true;
      torchbind ||= e.torchbind === true;
    }
    const d = derived(c);
    if (d === undefined) continue;
    known = true;
    // The most specific __setstate__ wins; 'none' means this class defines none, 'super' that it defers to a base's.
    if (setstate === undefined || setstate === 'none') setstate = d.setstate;
    else if (setstate === 'super' && d.setstate !== 'none') setstate = d.setstate;
    for (const call of d.calls) {
      merge(attrs, call.attr, {
        at: { attr: call.attr },
        calls: 'invoke',
        ...(call.items ? { items: true } : {}),
        ...(call.callback ? { callback: true } : {}),
        ...(call.passes.length > 0 ? { passes: call.passes } : {}),
        when: `${c}'s own code calls self.${call.attr}${call.items ? '[...]' : ''}(...)`,
      });
    }
    for (const m of d.methods) merge(attrs, m, { at: { attr: m }, calls: 'invoke', when: `a call of ${c}.${m}() (the attribute shadows the method)` });
    for (const [a, m] of d.via) {
      if (a.startsWith('__')) continue;
      const list = via.get(a) ?? [];
      if (!list.includes(m)) list.push(m);
      via.set(a, list);
    }
  }
  if (!known) return undefined;
  const mapping = lineage.some((c) => MAPPING_BASES.has(c));
  // A __setstate__ deferring to a base the tables do not know: some other code consumes the state.
  return { attrs, via, args, purpose, itemsAreAttributes, partial, torchbind, setstate: setstate === 'super' ? 'own' : setstate, mapping };
}

/** Bases that make a class a mapping whose items BUILD's PyDict_Check accepts or `__dict__.update` reads. */
const MAPPING_BASES: ReadonlySet<string> = new Set([
  'builtins.dict',
  'collections.UserDict',
  'collections.abc.Mapping',
  'collections.abc.MutableMapping',
  'typing.Dict',
]);

const cache = new Map<string, CallableSlots | undefined>();

/** The slots of a class or function by its fully qualified name, or undefined if the model knows nothing of it. */
export function slotsOf(fqn: string): CallableSlots | undefined {
  if (!cache.has(fqn)) cache.set(fqn, build(fqn));
  return cache.get(fqn);
}

let slotNames: ReadonlySet<string> | undefined;

/** Whether some slot uses the attribute `name`: BUILD states keep these keys whatever the size of the state. */
export function isSlotName(name: string): boolean {
  slotNames ??= collectSlotNames();
  return slotNames.has(name);
}

/** Every attribute name some slot uses, collected on first use (parsing every derived class cost start-up time on every run). */
function collectSlotNames(): ReadonlySet<string> {
  const names = new Set<string>([...LOADER_ATTRS.append, ...LOADER_ATTRS.add]);
  for (const line of Object.values(DERIVED_CLASSES)) {
    const d = parseDerived(line);
    for (const m of d.methods) names.add(m);
    for (const c of d.calls) {
      names.add(c.attr);
      for (const p of c.passes) names.add(p);
    }
    for (const [a, m] of d.via) names.add(a).add(m);
  }
  for (const e of CURATED) {
    for (const m of e.methods ?? []) names.add(m);
    for (const s of e.slots ?? []) {
      if ('attr' in s.at) names.add(s.at.attr);
      for (const p of s.passes ?? []) names.add(p);
      for (const m of s.methods ?? []) names.add(m);
    }
  }
  return names;
}
