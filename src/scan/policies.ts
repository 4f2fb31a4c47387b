/**
 * Python-globals policies shared across scans. A policy is immutable once
 * built; files scanned with the same profile and allowlist share one (and
 * its judgement cache).
 */
import { Policy } from '../python-globals/policy.js';
import { getProfile } from '../python-globals/profiles.js';
import type { AllowEntry } from '../python-globals/types.js';

const policyCache = new Map<string, { allow: readonly AllowEntry[]; policy: Policy }[]>();

export function sharedPolicy(profileId: string, allow: readonly AllowEntry[]): Policy {
  const list = policyCache.get(profileId) ?? [];
  const hit = list.find((x) => x.allow === allow || (x.allow.length === 0 && allow.length === 0));
  if (hit !== undefined) return hit.policy;
  const policy = new Policy(getProfile(profileId), allow);
  if (list.length < 16) list.push({ allow, policy });
  policyCache.set(profileId, list);
  return policy;
}
