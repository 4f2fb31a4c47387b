/**
 * What a rescan does to an artifact, as one pure rule (docs/registry.md,
 * "What a rescan changes"). A rescan re-evaluates published, held and
 * quarantined artifacts alike; the one thing it never does is stand in for
 * a reviewer:
 *
 * - A reviewer's release covers the findings the reviewer was shown (their
 *   rule ids, recorded with the release). A rescan keeps a released
 *   artifact published while its findings stay within that set; a finding
 *   the reviewer never saw sends it back to `held`, withdrawn and waiting for
 *   a new decision (the release is cleared; it stays in the steps and the
 *   audit log). A release is never extended, and never revoked except by a
 *   finding it did not cover.
 * - A file no reviewer has decided on follows its new verdict as a fresh
 *   upload would: clean is run through the pipeline again (convert, sign,
 *   publish: `requeued`), suspicious waits for a reviewer (`held`),
 *   malicious or unscannable is quarantined.
 * - A quarantine that the verdict did not cause (a conversion refused, a
 *   pipeline that failed 3 times) is not undone by a verdict: `unchanged`.
 */
import type { ArtifactState } from '../store/artifacts.js';

export type RescanAction = 'kept' | 'quarantined' | 'held' | 'requeued' | 'unchanged';

export interface RescanFacts {
  /** The artifact's state when the rescan's result is recorded. */
  state: ArtifactState;
  /** The verdict it had (null: never scanned). */
  oldVerdict: string | null;
  newVerdict: string;
  /** Rule ids of the new scan's findings above `info`. */
  newRules: readonly string[];
  /** Rule ids a reviewer's release covers; undefined: no release. */
  released: readonly string[] | undefined;
  /** For a published artifact: the files it serves still scan clean. */
  servedClean: boolean;
}

function blocking(v: string | null): boolean {
  return v === 'malicious' || v === 'unscannable';
}

export function rescanAction(f: RescanFacts): RescanAction {
  const covered = f.newVerdict === 'suspicious' && f.released !== undefined && f.newRules.every((r) => f.released?.includes(r) === true);
  switch (f.state) {
    case 'published':
      if (blocking(f.newVerdict) || !f.servedClean) return 'quarantined';
      if (f.newVerdict === 'suspicious' && !covered) return 'held';
      return 'kept';
    case 'held':
      if (blocking(f.newVerdict)) return 'quarantined';
      return f.newVerdict === 'clean' || covered ? 'requeued' : 'unchanged';
    case 'quarantined':
      // Only a quarantine the verdict caused is lifted by a better verdict.
      if (!blocking(f.oldVerdict) || blocking(f.newVerdict)) return 'unchanged';
      return f.newVerdict === 'clean' || covered ? 'requeued' : 'held';
    case 'queued':
    case 'processing':
      return 'unchanged'; // the pipeline is running on it (an override, a requeue): its scan decides
  }
}

/** Rule ids of the findings above `info` (what a reviewer weighs), sorted. */
export function reportRules(files: readonly { findings: readonly { rule: string; severity: string }[] }[]): string[] {
  return [...new Set(files.flatMap((f) => f.findings.filter((x) => x.severity !== 'info').map((x) => x.rule)))].sort();
}
