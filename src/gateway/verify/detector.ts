/**
 * The one interface between the gateway and an injection detector
 * (PyTorch's "verification: tooling that detects injection"). It is the
 * contract of `createDetector` in `src/detect/` (the gateway's default);
 * `createFallbackDetector` implements it with a few rules.
 * `detect` must be synchronous, total (never throw on any string) and
 * cheap: it runs on every request and on every streamed cut of output.
 */
export type DetectorMode = 'strict' | 'balanced' | 'permissive';

export interface DetectorRule {
  readonly id: string;
  /** UTF-16 offsets in the text given to `detect`. */
  readonly span?: readonly [number, number];
  readonly detail?: string;
}

export interface Detection {
  readonly flagged: boolean;
  /** 0..1: how sure the detector is that the text carries an injection. */
  readonly score: number;
  readonly rules: readonly DetectorRule[];
  /** A model's score, when the detector has a model stage. */
  readonly modelScore?: number;
}

export interface Detector {
  detect(text: string): Detection;
}

export type DetectorFactory = (options?: { mode?: DetectorMode }) => Detector;
