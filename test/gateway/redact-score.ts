/** Scores the recognisers on the labelled set: per kind and overall recall and precision. */
import type { SensitiveCategory } from '../../src/gateway/config/types.js';
import { findSensitive } from '../../src/gateway/redact/find.js';
import { labelledSet, type Sample } from './redact-set.js';

export interface Score {
  tp: number;
  fp: number;
  fn: number;
}

export interface Scored {
  readonly byLabel: ReadonlyMap<string, Score>;
  readonly total: Score;
  /** Samples with a wrong outcome, for debugging. */
  readonly misses: readonly { sample: Sample; found: string[] }[];
}

const ALL: ReadonlySet<SensitiveCategory> = new Set(['email', 'phone', 'card', 'iban', 'national-id', 'ip', 'secret']);

export function score(samples: readonly Sample[] = labelledSet()): Scored {
  const byLabel = new Map<string, Score>();
  const total: Score = { tp: 0, fp: 0, fn: 0 };
  const misses: { sample: Sample; found: string[] }[] = [];
  for (const s of samples) {
    const found = findSensitive(s.text, ALL);
    const row = byLabel.get(s.label) ?? { tp: 0, fp: 0, fn: 0 };
    byLabel.set(s.label, row);
    let wrong = false;
    for (const e of s.expected) {
      const hit = found.some((f) => f.category === e.category && f.start < e.end && e.start < f.end);
      if (hit) row.tp++;
      else row.fn++;
      wrong ||= !hit;
    }
    for (const f of found) {
      const ok = s.expected.some((e) => f.category === e.category && f.start < e.end && e.start < f.end);
      if (!ok) {
        row.fp++;
        wrong = true;
      }
    }
    if (wrong) misses.push({ sample: s, found: found.map((f) => `${f.type}:${s.text.slice(f.start, f.end)}`) });
  }
  for (const r of byLabel.values()) {
    total.tp += r.tp;
    total.fp += r.fp;
    total.fn += r.fn;
  }
  return { byLabel, total, misses };
}

export const precision = (s: Score): number => (s.tp + s.fp === 0 ? 1 : s.tp / (s.tp + s.fp));
export const recall = (s: Score): number => (s.tp + s.fn === 0 ? 1 : s.tp / (s.tp + s.fn));
