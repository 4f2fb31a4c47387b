/**
 * Raw data files that mean something only beside the file describing them
 * (OpenVINO `.bin` weights beside their `.xml`, an indexed dataset's `.bin`
 * beside its `.idx`): a folder pass credits such a file when it matched no
 * format itself, its describing file was recognised in the same scan, and
 * its size is exactly what that file declares. Anything else keeps its own
 * verdict: a "weights" file that is a pickle is still analysed as one.
 */
import type { FileKind } from '../findings/kind.js';
import type { FileReport } from '../findings/report.js';
import { defineRules, type RuleInfo } from '../findings/rules.js';
import { matchesNoFormat, rejudged, type FolderPass } from './folder-pass.js';

export interface Companion {
  /** Pass id. */
  id: string;
  /** Format id of the describing file, and the info key holding the byte count it declares for its companion. */
  describedBy: string;
  sizeKey: string;
  /** Describing file path → companion path (`x.xml` → `x.bin`). */
  companionOf(path: string): string | undefined;
  /** Format id and kind the credited companion gets. */
  format: string;
  kind: FileKind;
  rule: RuleInfo;
}

export function companionPass(c: Companion): FolderPass {
  defineRules([c.rule]);
  return {
    id: c.id,
    run(files: readonly FileReport[]): { files: FileReport[] } {
      const wanted = new Map<string, { by: string; size: number }>();
      for (const f of files) {
        const size = f.info[c.sizeKey];
        const target = f.format === c.describedBy && typeof size === 'number' ? c.companionOf(f.path) : undefined;
        if (target !== undefined) wanted.set(target, { by: f.path, size: size as number });
      }
      if (wanted.size === 0) return { files: [...files] };
      return {
        files: files.map((f) => {
          const w = wanted.get(f.path);
          if (w === undefined || !matchesNoFormat(f) || f.size !== w.size) return f;
          const message = `raw data of ${w.by}, which declares exactly its ${f.size} bytes`;
          return rejudged(f, c.format, c.kind, [{ rule: c.rule.id, severity: 'info', message, location: { file: f.path } }], { 'data of': w.by });
        }),
      };
    },
  };
}
