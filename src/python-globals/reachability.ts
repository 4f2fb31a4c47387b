/**
 * The reachability-derived denylist: callables from which a static call
 * chain reaches a sink (process creation, code evaluation, import by name,
 * deserialisers, native code, file changes, network), generated from the
 * library sources by scripts/python-globals (see its README). The
 * hand-curated `denylist.ts` remains the other source.
 */
import { classBases, sinkEntry, type SinkEntry, type SinkHow } from './tables.js';
import type { Canonical } from './canonical.js';

export interface SinkHit {
  /** How the canonical name reaches the sink: called, instantiated with arguments, given state. */
  readonly how: SinkHow;
  readonly category: string;
  /** `x.y → z.w → subprocess.Popen`: the name itself first. */
  readonly chain: readonly string[];
}

/** Longest chain printed (chains in the table are short; the bound keeps a finding readable). */
const MAX_CHAIN = 12;
/** Most classes visited looking for an inherited method. */
const MAX_BASES = 32;

function follow(name: string, first: SinkEntry): string[] {
  const chain = [name];
  let e: SinkEntry | undefined = first;
  while (e !== undefined && e.next !== '' && chain.length < MAX_CHAIN) {
    if (chain.includes(e.next)) break;
    chain.push(e.next);
    e = sinkEntry(e.next, 'call') ?? sinkEntry(e.next, 'new') ?? sinkEntry(e.next, 'build');
  }
  return chain;
}

function hit(name: string, how: SinkHow): SinkHit | undefined {
  const e = sinkEntry(name, how);
  return e === undefined ? undefined : { how, category: e.category, chain: follow(name, e) };
}

/**
 * A method reached through a class (`mailbox.mbox.add`): the table lists
 * methods under the class that defines them, so look along the bases too.
 */
function inherited(name: string): SinkHit | undefined {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return undefined;
  const owner = name.slice(0, dot);
  const member = name.slice(dot + 1);
  const queue: string[] = [owner];
  const seen = new Set<string>();
  while (queue.length > 0 && seen.size < MAX_BASES) {
    const cls = queue.shift() as string;
    if (seen.has(cls)) continue;
    seen.add(cls);
    const h = hit(`${cls}.${member}`, 'call');
    if (h !== undefined) return { ...h, chain: [name, ...h.chain] };
    const split = splitClass(cls);
    const bases = split === undefined ? undefined : classBases(split[0], split[1]);
    for (const b of bases ?? []) if (!b.unknown && b.rest !== '') queue.push(`${b.module}.${b.rest}`);
  }
  return undefined;
}

/** `pkg.mod.Class` -> ['pkg.mod', 'Class'] when the tables know that class. */
function splitClass(dotted: string): [string, string] | undefined {
  const parts = dotted.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const m = parts.slice(0, i).join('.');
    const q = parts.slice(i).join('.');
    if (classBases(m, q) !== undefined) return [m, q];
  }
  return undefined;
}

/** The sink a canonical candidate reaches, if the generated table says it does. */
export function reachesSink(c: Canonical): SinkHit | undefined {
  switch (c.kind) {
    case 'module':
      return undefined;
    case 'c':
      return hit(c.name, 'new') ?? hit(c.name, 'build') ?? hit(c.name, 'call');
    case 'f':
    case 'v':
    case 'n':
      return hit(c.name, 'call') ?? inherited(c.name);
    case 'unknown':
      return hit(c.name, 'call') ?? hit(c.name, 'new') ?? inherited(c.name);
  }
}

/** `a → b → c (starts a process)`. */
export function describeChain(h: SinkHit): string {
  return `${h.chain.join(' → ')} (${h.category})`;
}
