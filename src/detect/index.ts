/**
 * `modelguard/detect`: the prompt-injection and jailbreak detector and the
 * red-team fuzzer. See docs/detect.md.
 */
export { createDetector, analyse } from './detector.js';
export type { Detection, Detector, DetectorMode, DetectorOptions, DetectorRule, RuleCategory } from './types.js';
export { MODE_THRESHOLD } from './score.js';
export { PATTERN_RULES, type PatternRule } from './rules/index.js';
export { normalise, type Normalised } from './normalize.js';
export { findPayloads, type Payload } from './decode.js';
export { runRedteam, redteamSamples, type RedteamOptions, type RedteamReport, type Tally } from './redteam/run.js';
export { detectorTarget, httpTarget, type Target, type HttpTargetOptions } from './redteam/target.js';
export { TRANSFORMS, type Transform } from './redteam/transforms.js';
