/**
 * Verdicts and how findings combine into one.
 *
 * Order: clean < suspicious < unscannable < malicious. `unscannable` ranks
 * above `suspicious` because an unread file could hold anything, and below
 * `malicious` because a proven payload is worse than an unknown. A file is
 * `clean` only when it was read completely and every finding is `info`.
 */
import type { Finding, Severity } from './finding.js';

export type Verdict = 'clean' | 'suspicious' | 'unscannable' | 'malicious';

export const VERDICTS: readonly Verdict[] = ['clean', 'suspicious', 'unscannable', 'malicious'];

const RANK: Record<Verdict, number> = { clean: 0, suspicious: 1, unscannable: 2, malicious: 3 };

export function severityVerdict(s: Severity): Verdict {
  switch (s) {
    case 'info':
      return 'clean';
    case 'suspicious':
      return 'suspicious';
    case 'unscannable':
      return 'unscannable';
    case 'malicious':
      return 'malicious';
  }
}

export function worst(a: Verdict, b: Verdict): Verdict {
  return RANK[a] >= RANK[b] ? a : b;
}

export function verdictOf(findings: readonly Pick<Finding, 'severity'>[]): Verdict {
  let v: Verdict = 'clean';
  for (const f of findings) v = worst(v, severityVerdict(f.severity));
  return v;
}

/**
 * Whether a verdict fails a `--fail-on` threshold. `unscannable` always
 * fails: exit status 0 promises the input was read and found clean.
 */
export function fails(v: Verdict, failOn: Exclude<Verdict, 'clean' | 'unscannable'>): boolean {
  if (v === 'unscannable') return true;
  return RANK[v] >= RANK[failOn];
}
