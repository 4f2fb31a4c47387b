/**
 * The evidence the rules and the similarity stage give for one text,
 * before the model: shared by the detector and the trainer, so the model
 * is trained on exactly the offset it will be combined with.
 */
import { matchRules, type Hit } from './match.js';
import { nearest, signature } from './minhash.js';
import { MAX_RULE_LOGIT, similarityLogit } from './score.js';

export interface Evidence {
  readonly hits: ReadonlyMap<string, Hit>;
  readonly normalised: string;
  readonly signature: Uint16Array | undefined;
  readonly ruleLogit: number;
}

export function gatherEvidence(text: string): Evidence {
  const m = matchRules(text);
  let z = 0;
  for (const h of m.hits.values()) z += h.weight;
  return { hits: m.hits, normalised: m.text, signature: signature(m.text), ruleLogit: Math.min(z, MAX_RULE_LOGIT) };
}

export function similarityTo(e: Evidence, library: Uint16Array): { sim: number; logit: number } {
  if (e.signature === undefined) return { sim: 0, logit: 0 };
  const sim = nearest(e.signature, library);
  return { sim, logit: similarityLogit(sim) };
}
