/**
 * The evidence the rules and the similarity stage give for one text,
 * before the model: shared by the detector and the trainer, so the model
 * is trained on exactly the offset it will be combined with.
 */
import { tokens } from './features.js';
import { matchRules, type Hit } from './match.js';
import { nearest, signature } from './minhash.js';
import { MAX_RULE_LOGIT, similarityLogit } from './score.js';

export interface Evidence {
  readonly hits: ReadonlyMap<string, Hit>;
  readonly normalised: string;
  /** `normalised` split into the words the similarity stage and the model read. */
  readonly tokens: readonly string[];
  readonly signature: Uint16Array | undefined;
  readonly ruleLogit: number;
}

export function gatherEvidence(text: string): Evidence {
  const m = matchRules(text);
  let z = 0;
  for (const h of m.hits.values()) z += h.weight;
  const words = tokens(m.text);
  return { hits: m.hits, normalised: m.text, tokens: words, signature: signature(words), ruleLogit: Math.min(z, MAX_RULE_LOGIT) };
}

export function similarityTo(e: Evidence, library: Uint16Array): { sim: number; logit: number } {
  if (e.signature === undefined) return { sim: 0, logit: 0 };
  const sim = nearest(e.signature, library);
  return { sim, logit: similarityLogit(sim) };
}
