/**
 * A red-team run: every generated attack (seeds x transforms) and every
 * generated benign text goes to a target; the report gives recall per
 * transform and per goal, and the false-alarm rate on benign text.
 */
import { generateAttacks, generateBenign, type Sample } from './generate.js';
import type { Target } from './target.js';
import { TRANSFORMS } from './transforms.js';

export interface Tally {
  readonly stopped: number;
  readonly total: number;
}

export interface RedteamReport {
  readonly byTransform: ReadonlyMap<string, Tally>;
  readonly byKind: ReadonlyMap<string, Tally>;
  readonly attacks: Tally;
  readonly benign: Tally;
  /** Attacks that got through, first few per transform, for the reader. */
  readonly missed: readonly Sample[];
}

export interface RedteamOptions {
  readonly seed?: number;
  /** Transform ids to run (default all). */
  readonly transforms?: readonly string[];
  /** Extra benign texts (e.g. from a JSONL file). */
  readonly benign?: readonly string[];
  /** Cap on the prompts sent, attacks first, then benign. */
  readonly limit?: number;
}

const MISSED_PER_TRANSFORM = 3;

function bump(m: Map<string, { stopped: number; total: number }>, k: string, stopped: boolean): void {
  const t = m.get(k) ?? { stopped: 0, total: 0 };
  t.total++;
  if (stopped) t.stopped++;
  m.set(k, t);
}

export function redteamSamples(o: RedteamOptions = {}): { attacks: Sample[]; benign: Sample[] } {
  const transforms = o.transforms === undefined ? TRANSFORMS : TRANSFORMS.filter((t) => o.transforms?.includes(t.id));
  let attacks = generateAttacks(o.seed ?? 7, transforms);
  let benign = [...generateBenign(), ...(o.benign ?? []).map((text): Sample => ({ text, attack: false, kind: 'benign', transform: 'given' }))];
  if (o.limit !== undefined) {
    attacks = attacks.slice(0, o.limit);
    benign = benign.slice(0, Math.max(0, o.limit - attacks.length));
  }
  return { attacks, benign };
}

export async function runRedteam(target: Target, o: RedteamOptions = {}): Promise<RedteamReport> {
  const { attacks, benign } = redteamSamples(o);
  const byTransform = new Map<string, { stopped: number; total: number }>();
  const byKind = new Map<string, { stopped: number; total: number }>();
  const missed: Sample[] = [];
  const missedCount = new Map<string, number>();
  let stoppedAttacks = 0;
  for (const s of attacks) {
    const stopped = await target.judge(s.text);
    bump(byTransform, s.transform, stopped);
    bump(byKind, s.kind, stopped);
    if (stopped) stoppedAttacks++;
    else if ((missedCount.get(s.transform) ?? 0) < MISSED_PER_TRANSFORM) {
      missedCount.set(s.transform, (missedCount.get(s.transform) ?? 0) + 1);
      missed.push(s);
    }
  }
  let alarms = 0;
  for (const s of benign) if (await target.judge(s.text)) alarms++;
  return { byTransform, byKind, attacks: { stopped: stoppedAttacks, total: attacks.length }, benign: { stopped: alarms, total: benign.length }, missed };
}
