/**
 * The extension point for checks that need a whole scan, not one file: raw
 * data files known only through the file that describes them (ONNX
 * external data, TensorFlow checkpoint shards) and model folders judged as
 * a unit. Passes run in `formats/registry.ts` order after every file is
 * scanned; each may re-judge reports and add folder summaries.
 */
import type { FileReport, ModelSummary } from '../findings/report.js';

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
