/**
 * Reviewing a user allowlist against the denylist. The denylist always wins
 * (an allowlist cannot make `os.system` acceptable), so an entry naming a
 * denied global does nothing; saying so spares the user a silent surprise.
 */
import { Policy } from './policy.js';
import { PROFILES } from './profiles.js';
import type { AllowEntry } from './types.js';

export interface IneffectiveEntry {
  /** The entry's name as written. */
  name: string;
  /** Why the denylist keeps it. */
  why: string;
}

/** The entries of `allow` that name (or, for patterns, sit under) a denied global. */
export function deniedAllowEntries(allow: readonly AllowEntry[]): IneffectiveEntry[] {
  const policy = new Policy(PROFILES.data);
  const out: IneffectiveEntry[] = [];
  for (const e of allow) {
    // A pattern is judged by its fixed prefix: `os.*` sits under `os`.
    const fixed = e.name.split('.').filter((_c, i, all) => !all.slice(0, i + 1).some((x) => x.includes('*') || x.includes('{')));
    if (fixed.length < 2) continue;
    const module = fixed[0] as string;
    const j = policy.judge(module, fixed.slice(1).join('.'));
    if (j.kind === 'denied') out.push({ name: e.name, why: j.why });
  }
  return out;
}
