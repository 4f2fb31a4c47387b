/**
 * Judges a name that code reaches (calls or holds) with the pickle policy's
 * own tables: the canonical name (`python-globals/canonical.ts`), the
 * reachability-derived denylist with its chain, the curated denylist's
 * entries for single callables, and the profile's allowlist.
 *
 * Code differs from a pickle in one way that matters: it may name any
 * function directly, so "gadgets" (getattr, operator, functools) are not
 * a risk of their own; what counts is whether what it reaches gets to a
 * sink. A module-wide curated entry (`os`, `operator`, `torch.fx`) is
 * therefore applied only to the names under it that reach a sink or carry
 * a dangerous last component; its harmless helpers (`os.path.join`,
 * `operator.getitem`) are library functions like any other.
 */
import { resolveDotted } from '../python-globals/canonical.js';
import { DANGEROUS_ATTRS } from '../python-globals/denylist.js';
import type { Policy } from '../python-globals/policy.js';
import { describeChain, reachesSink } from '../python-globals/reachability.js';
import { isTrackedModule } from '../python-globals/tables.js';

export type NameVerdict =
  /** Reaches a sink (process, eval, import by name, deserialiser, native code, file change, network). */
  | { kind: 'sink'; why: string; chain?: readonly string[] }
  /** On the profile's allowlist, or a library definition the tables know that reaches no sink. */
  | { kind: 'ok'; canonical: string }
  /** Not in the tables: a module the generator never read (transformers, user code), a name made at run time. */
  | { kind: 'unknown' };

function split(dotted: string): [string, string] {
  const dot = dotted.indexOf('.');
  return dot < 0 ? [dotted, ''] : [dotted.slice(0, dot), dotted.slice(dot + 1)];
}

/** Judges the dotted name `dotted` (as code spells it after resolving imports). */
export function judgeName(policy: Policy, dotted: string): NameVerdict {
  const res = resolveDotted(dotted);
  const targets = res?.targets ?? [];
  for (const t of targets) {
    const hit = reachesSink(t);
    if (hit !== undefined) {
      const is = t.name === dotted ? '' : `is ${t.name}, which `;
      return { kind: 'sink', why: `${is}reaches a sink: ${describeChain(hit)}`, chain: hit.chain };
    }
  }
  const [mod, rest] = split(dotted);
  const last = dotted.slice(dotted.lastIndexOf('.') + 1);
  if (rest !== '') {
    const j = policy.judge(mod, rest, dotted);
    if (j.kind === 'denied') {
      // Single-callable entries and dangerous names apply; module-wide gadget buckets do not (see above).
      const exact = j.matched === dotted || targets.some((t) => t.name === j.matched);
      if (exact || DANGEROUS_ATTRS.has(last) || j.chain !== undefined)
        return { kind: 'sink', why: j.why, ...(j.chain === undefined ? {} : { chain: j.chain }) };
    } else if (j.kind === 'allowed') return { kind: 'ok', canonical: j.canonical ?? dotted };
  }
  if (res === undefined || (!isTrackedModule(targets[0]?.module ?? '') && !isTrackedModule(mod))) return { kind: 'unknown' };
  return { kind: 'ok', canonical: targets.length === 1 ? (targets[0]?.name ?? dotted) : dotted };
}
