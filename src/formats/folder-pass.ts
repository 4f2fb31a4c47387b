/**
 * The extension point for checks that need a whole scan, not one file: raw
 * data files known only through the file that describes them (ONNX
 * external data, TensorFlow checkpoint shards) and model folders judged as
 * a unit. Passes run in `formats/registry.ts` order after every file is
 * scanned; each may re-judge reports and add folder summaries.
 */
import type { Finding } from '../findings/finding.js';
import { reasonFor, type FileKind } from '../findings/kind.js';
import type { FileReport, InfoValue, ModelSummary } from '../findings/report.js';
import { verdictOf } from '../findings/verdict.js';

export interface FolderPassResult {
  /** The reports, with any this pass re-judged replaced (same order, same count). */
  files: FileReport[];
  /** Model folders this pass summarises. */
  models?: ModelSummary[];
}

export interface FolderPass {
  readonly id: string;
  /**
   * `root` is the one directory scanned, or undefined when several paths or
   * a single file were given (report paths are then not relative to one
   * folder). Must not throw on any report content.
   */
  run(files: readonly FileReport[], root: string | undefined): FolderPassResult;
}

/** The rule of headerless numbers (`raw-tensor/`): bytes no format claims, which a describing file may still credit. */
export const HEADERLESS_DATA_RULE = 'raw/numbers';

/** Whether a report is of bytes no format recognised (unscannable, counted clean with `--unknown-as clean`, or read as headerless numbers). */
export function matchesNoFormat(f: FileReport): boolean {
  return (
    f.findings.length > 0 && f.findings.every((x) => x.rule === 'engine/unknown-format' || x.rule === 'engine/unknown-data' || x.rule === HEADERLESS_DATA_RULE)
  );
}

/** A report re-judged by a folder pass: new format, kind and findings, with verdict and reason recomputed. */
export function rejudged(f: FileReport, format: string, kind: FileKind, findings: Finding[], info: Record<string, InfoValue>): FileReport {
  const verdict = verdictOf(findings);
  return { ...f, format, kind, verdict, reason: reasonFor(kind, verdict, findings), findings, info: { ...info, format } };
}
