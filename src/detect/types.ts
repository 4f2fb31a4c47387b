/**
 * What the injection detector returns. Structurally the gateway's
 * `Detector` contract (`src/gateway/verify/detector.ts`), so the gateway
 * takes `createDetector` as its detector factory without an adapter.
 */
export type DetectorMode = 'strict' | 'balanced' | 'permissive';

/** The layer a rule belongs to; the first segment of its id. */
export type RuleCategory = 'override' | 'spoof' | 'extract' | 'persona' | 'exfil' | 'indirect' | 'obfuscation' | 'similar';

export interface DetectorRule {
  /** Stable id `<category>/<what>`, e.g. `override/ignore-previous`. */
  readonly id: string;
  /** UTF-16 offsets in the text given to `detect`. */
  readonly span?: readonly [number, number];
  /** Which view matched (`text`, `leet`, `despaced`, `base64`, ...) and, for decoded views, what was decoded. */
  readonly detail?: string;
}

export interface Detection {
  readonly flagged: boolean;
  /**
   * 0..1, shifted by the mode so that `flagged` is exactly `score >= 0.5`
   * in every mode (a gateway threshold of 0.5 then follows the mode).
   */
  readonly score: number;
  /** The calibrated probability of an attack, independent of the mode. */
  readonly probability: number;
  readonly rules: readonly DetectorRule[];
  /** The statistical model's own probability (rules not counted). */
  readonly modelScore: number;
  /** Jaccard estimate against the nearest entry of the bundled attack library. */
  readonly similarity: number;
}

export interface Detector {
  detect(text: string): Detection;
}

export interface DetectorOptions {
  /** Threshold profile (default `balanced`). */
  readonly mode?: DetectorMode;
}
