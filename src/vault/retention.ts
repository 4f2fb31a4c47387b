/**
 * Retention: which encrypted copies to keep.
 *
 * An entry is kept if any rule keeps it; everything else is pruned. The
 * newest intact copy is always kept, whatever the rules say, and without
 * any rule nothing is pruned. Entries that are mid-protocol (`pending`,
 * `deleting-plaintext`) are never touched, and neither are damaged copies
 * (missing, or no longer matching their recorded SHA-256): the rules count
 * only intact copies, so a damaged newest copy can never be "the one kept"
 * while the intact older ones are deleted. `pruneVerified` proves which
 * copies are intact before it deletes anything.
 *
 * - keepLast N: the N most recently archived copies.
 * - keepEvery K steps: copies whose step is a multiple of K.
 * - keepEvery duration: the first copy archived in each window of that
 *   length (counted from the first copy).
 * - keepBest metric: the best N copies by a metric from the checkpoint's
 *   name or sidecar (`min` for losses and errors by default, else `max`).
 */
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fail } from './errors.js';
import { checkCopies, type CopyCheck, type CopyHealth } from './integrity.js';
import { fsyncDir } from '../files/fsutil.js';
import { saveManifest, type Manifest, type VaultEntry } from './manifest.js';

export interface RetentionPolicy {
  readonly keepLast?: number;
  readonly keepEverySteps?: number;
  readonly keepEveryMs?: number;
  readonly keepBest?: { readonly metric: string; readonly mode: 'min' | 'max'; readonly count: number };
}

export interface PruneDecision {
  readonly keep: readonly { entry: VaultEntry; reasons: string[] }[];
  readonly prune: readonly VaultEntry[];
  /** Copies found damaged: neither kept by a rule nor deleted; reported for the user to act on. */
  readonly damaged: readonly { entry: VaultEntry; health: CopyHealth; why: string }[];
}

const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `--keep-every`: a step count (`1000`) or a duration (`30m`, `6h`, `1d`). */
export function parseKeepEvery(s: string): Pick<RetentionPolicy, 'keepEverySteps' | 'keepEveryMs'> {
  if (/^[1-9]\d*$/.test(s)) return { keepEverySteps: Number(s) };
  const m = DURATION.exec(s);
  if (m !== null && Number(m[1]) > 0) return { keepEveryMs: Number(m[1]) * (UNIT[m[2] as string] as number) };
  throw fail('E_USAGE', `--keep-every wants a step count or a duration like 30m, 6h, 1d: ${s}`);
}

/** Parses `--keep-best METRIC[:min|max][:N]`. */
export function parseKeepBest(s: string): NonNullable<RetentionPolicy['keepBest']> {
  const [metric, a, b] = s.split(':');
  if (metric === undefined || metric === '') throw fail('E_USAGE', '--keep-best needs a metric name');
  let mode: 'min' | 'max' = /loss|err|perplex|wer|cer/i.test(metric) ? 'min' : 'max';
  let count = 1;
  for (const part of [a, b]) {
    if (part === undefined) continue;
    if (part === 'min' || part === 'max') mode = part;
    else if (/^[1-9]\d*$/.test(part)) count = Number(part);
    else throw fail('E_USAGE', `--keep-best: unknown qualifier ${part}`);
  }
  return { metric, mode, count };
}

function isSettled(e: VaultEntry): boolean {
  return e.state === 'verified' || e.state === 'plaintext-deleted';
}

/**
 * Which settled copies the rules keep and which they prune. `checks` holds
 * what is known of each copy's health; copies checked and found damaged are
 * set aside (never kept in place of an intact one, never deleted).
 */
export function decide(entries: readonly VaultEntry[], policy: RetentionPolicy, checks?: ReadonlyMap<VaultEntry, CopyCheck>): PruneDecision {
  const damaged: { entry: VaultEntry; health: CopyHealth; why: string }[] = [];
  const settled = entries
    .filter(isSettled)
    .filter((e) => {
      const c = checks?.get(e);
      if (c === undefined || c.health === 'intact') return true;
      damaged.push({ entry: e, health: c.health, why: c.why ?? c.health });
      return false;
    })
    .sort((a, b) => a.archivedAt.localeCompare(b.archivedAt));
  const reasons = new Map<VaultEntry, string[]>();
  const keep = (e: VaultEntry, why: string): void => {
    reasons.set(e, [...(reasons.get(e) ?? []), why]);
  };
  const anyRule = policy.keepLast !== undefined || policy.keepEverySteps !== undefined || policy.keepEveryMs !== undefined || policy.keepBest !== undefined;
  const newest = settled[settled.length - 1];
  if (newest !== undefined) keep(newest, 'newest');
  if (!anyRule) for (const e of settled) keep(e, 'no retention rule');
  if (policy.keepLast !== undefined) for (const e of settled.slice(-policy.keepLast)) keep(e, `last ${policy.keepLast}`);
  if (policy.keepEverySteps !== undefined) {
    const k = policy.keepEverySteps;
    for (const e of settled) if (e.step !== undefined && e.step % k === 0) keep(e, `every ${k} steps`);
  }
  if (policy.keepEveryMs !== undefined && settled.length > 0) {
    const t0 = Date.parse((settled[0] as VaultEntry).archivedAt);
    const seen = new Set<number>();
    for (const e of settled) {
      const bucket = Math.floor((Date.parse(e.archivedAt) - t0) / policy.keepEveryMs);
      if (!seen.has(bucket)) {
        seen.add(bucket);
        keep(e, 'first in its time window');
      }
    }
  }
  if (policy.keepBest !== undefined) {
    const { metric, mode, count } = policy.keepBest;
    const scored = settled.filter((e) => typeof e.metrics[metric] === 'number');
    scored.sort((a, b) => ((a.metrics[metric] as number) - (b.metrics[metric] as number)) * (mode === 'min' ? 1 : -1));
    for (const e of scored.slice(0, count)) keep(e, `best ${metric} (${mode})`);
  }
  return {
    keep: settled.filter((e) => reasons.has(e)).map((entry) => ({ entry, reasons: reasons.get(entry) ?? [] })),
    prune: settled.filter((e) => !reasons.has(e)),
    damaged,
  };
}

/**
 * Decides and prunes, deleting only what is proven redundant: when the rules
 * would delete anything, every settled copy is first checked against its
 * recorded size and SHA-256 (`integrity.ts`), the decision is taken again
 * over the intact ones, and only then are files removed. When any copy is
 * damaged nothing is deleted at all: the damage is returned in `damaged`
 * and every copy the rules would have pruned is held.
 */
export async function pruneVerified(vaultDir: string, m: Manifest, policy: RetentionPolicy, dryRun = false): Promise<PruneDecision> {
  const first = decide(m.entries, policy);
  if (first.prune.length === 0) return first;
  const checks = await checkCopies(vaultDir, m.entries.filter(isSettled));
  const decision = decide(m.entries, policy, checks);
  if (decision.damaged.length > 0) {
    // A copy the vault relied on is damaged: nothing is proven redundant until the user has seen it (issue 23).
    const hold = 'held: the vault has a damaged copy; nothing is deleted until it is repaired or removed';
    return { keep: [...decision.keep, ...decision.prune.map((entry) => ({ entry, reasons: [hold] }))], prune: [], damaged: decision.damaged };
  }
  if (!dryRun && decision.prune.length > 0) await applyPrune(vaultDir, m, decision.prune);
  return decision;
}

/**
 * Deletes the pruned ciphertexts and their journal entries. The file goes
 * first: a crash in between leaves an entry whose file is missing, which
 * `reconcileMissing` drops on the next run.
 */
export async function applyPrune(vaultDir: string, m: Manifest, prune: readonly VaultEntry[]): Promise<void> {
  for (const e of prune) {
    await unlink(join(vaultDir, e.file)).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    });
  }
  await fsyncDir(vaultDir);
  const gone = new Set(prune);
  m.entries = m.entries.filter((e) => !gone.has(e));
  await saveManifest(vaultDir, m);
}
