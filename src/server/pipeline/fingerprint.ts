/**
 * What a verdict depends on besides the file: the engine (its version) and
 * the policy (the built-in allowlist profiles and the denylist). Each
 * scanned artifact records both; when either differs from what this process
 * runs, the artifact is scanned again (see rescan.ts).
 */
import { createHash } from 'node:crypto';
import { DANGEROUS_ATTRS, DENIED_LAST, DENIED_ROOTS, DENYLIST } from '../../python-globals/denylist.js';
import { PROFILES } from '../../python-globals/profiles.js';
import { VERSION } from '../../version.js';

export const ENGINE = `modelguard ${VERSION}`;

/** Sets become sorted arrays, object keys are sorted: the same data always serialises the same way. */
function canonical(v: unknown): unknown {
  if (v instanceof Set) return [...(v as Set<unknown>)].map(canonical).sort();
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

let cached: string | undefined;

/** `sha256:` + the digest of the policy data (profiles with their allow entries, the denylist and its name sets). */
export function policyFingerprint(): string {
  cached ??= `sha256:${createHash('sha256')
    .update(
      JSON.stringify(
        canonical({ profiles: PROFILES, denylist: DENYLIST, deniedRoots: DENIED_ROOTS, deniedLast: DENIED_LAST, dangerousAttrs: DANGEROUS_ATTRS }),
      ),
    )
    .digest('hex')}`;
  return cached;
}
