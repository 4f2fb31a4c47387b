/**
 * How the evidence combines. Everything is a logit (log-odds) and adds:
 * each rule that fired once (its weight), the similarity to a known attack
 * (a step: near-copies count more than relatives), and the model's logit,
 * which was trained with the rules and similarity as a fixed offset, so it
 * learns what they miss. The probability is the logistic of the sum.
 * A mode is a threshold on that probability.
 */
import type { DetectorMode } from './types.js';

export const MODE_THRESHOLD: Readonly<Record<DetectorMode, number>> = { strict: 0.25, balanced: 0.4, permissive: 0.7 };

/** Rule evidence is capped: ten weak rules are not proof, and the model must still be able to outvote a pile-up. */
export const MAX_RULE_LOGIT = 12;

/** Logit added for the nearest known attack's estimated Jaccard similarity. */
export function similarityLogit(sim: number): number {
  if (sim >= 0.5) return 6;
  if (sim >= 0.3) return 3;
  if (sim >= 0.2) return 1;
  return 0;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/** The mode-shifted score: `score >= 0.5` exactly when the probability reaches the mode's threshold. */
export function modeScore(z: number, mode: DetectorMode): number {
  return sigmoid(z - logit(MODE_THRESHOLD[mode]));
}
