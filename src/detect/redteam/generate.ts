/**
 * The generated data set: every seed with its goal filled, through every
 * transform (attacks), and the benign prompts and document twins (benign).
 * Deterministic for a given seed; used by the fuzzer (`run.ts`) and by the
 * trainer (`scripts/detect/train.mjs`).
 */
import { BENIGN_FILLERS, BENIGN_PROMPTS } from './benign.js';
import { rng } from './rng.js';
import { GOALS, MULTILINGUAL_SEEDS, SEEDS, type SeedKind } from './seeds.js';
import { TRANSFORMS, benignDocuments } from './transforms.js';

export interface Sample {
  readonly text: string;
  readonly attack: boolean;
  readonly kind: SeedKind | 'benign';
  readonly transform: string;
}

/** Multilingual seeds go through the transforms that keep their language readable. */
const MULTILINGUAL_TRANSFORMS = new Set(['identity', 'base64', 'url-encoding', 'zero-width', 'random-case', 'role-play', 'document', 'addressed-document']);

export function generateAttacks(seed = 1, transforms = TRANSFORMS): Sample[] {
  const r = rng(seed);
  const out: Sample[] = [];
  for (const s of SEEDS) {
    for (const t of transforms) {
      const text = s.text.replace('{goal}', r.pick(GOALS));
      out.push({ text: t.apply(text, r), attack: true, kind: s.kind, transform: t.id });
    }
  }
  for (const s of MULTILINGUAL_SEEDS) {
    for (const t of transforms) {
      if (!MULTILINGUAL_TRANSFORMS.has(t.id)) continue;
      out.push({ text: t.apply(s.text, r), attack: true, kind: s.kind, transform: `${t.id}+multilingual` });
    }
  }
  return out;
}

export function generateBenign(): Sample[] {
  const out: Sample[] = [];
  for (const text of BENIGN_PROMPTS) out.push({ text, attack: false, kind: 'benign', transform: 'identity' });
  for (const text of benignDocuments(BENIGN_FILLERS)) out.push({ text, attack: false, kind: 'benign', transform: 'document' });
  return out;
}
