/**
 * The verification hook: runs the detector on one text for one stage
 * (request or response) and decides with the route's threshold and action.
 * `shadow` only records what would have been blocked; a detector that
 * throws is recorded (`detector/error`) and, fail-closed, blocks.
 */
import type { DetectorStageConfig } from '../config/types.js';
import type { Detector } from './detector.js';

export interface StageVerdict {
  readonly block: boolean;
  readonly score: number;
  /** `detector/<rule id>` of each rule that fired. */
  readonly rules: readonly string[];
  /** Fired but not enforced (shadow mode). */
  readonly shadow: boolean;
}

export const PASS: StageVerdict = { block: false, score: 0, rules: [], shadow: false };

export function verifyText(detector: Detector, text: string, stage: DetectorStageConfig): StageVerdict {
  if (stage.action === 'off' || text === '') return PASS;
  let score: number;
  let rules: string[];
  try {
    const d = detector.detect(text);
    score = Number.isFinite(d.score) ? d.score : 1;
    rules = d.rules.map((r) => `detector/${r.id}`);
  } catch {
    return { block: stage.action === 'block', score: 1, rules: ['detector/error'], shadow: stage.action === 'shadow' };
  }
  if (score < stage.threshold) return { block: false, score, rules: [], shadow: false };
  if (rules.length === 0) rules = ['detector/score'];
  return { block: stage.action === 'block', score, rules, shadow: stage.action === 'shadow' };
}
