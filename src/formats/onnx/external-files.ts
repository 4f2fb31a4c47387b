/**
 * External data files in directory scans. `model.onnx.data` is raw tensor
 * bytes: scanned on its own it has no format and is `unscannable`. When an
 * ONNX model in the same scan references it through a location that stays
 * inside the model's directory, it is that model's data and is reported
 * `clean` (format `onnx-external-data`). Only files nothing else recognised
 * are adopted: a referenced file that is a pickle or a zip keeps its own
 * verdict, and a location that climbs out of the folder adopts nothing.
 */
import { posix } from 'node:path';
import { defineRules } from '../../findings/rules.js';
import type { FileReport } from '../../findings/report.js';
import { matchesNoFormat, rejudged, type FolderPass } from '../folder-pass.js';
import { checkLocation } from './external-data.js';
import { EXTERNAL_DATA_INFO } from './rules.js';

defineRules([
  {
    id: 'onnx/external-data-of',
    title: 'Raw tensor data of an ONNX model',
    severity: 'info',
    help: 'The file has no format of its own; an ONNX model in the same scan stores its tensors in it (external data). Its bytes are read as numbers by the loader, never run.',
    references: ['https://onnx.ai/onnx/repo-docs/ExternalData.html'],
  },
]);

/** Report path of each data file → report paths of the models that reference it. */
function referencedDataFiles(files: readonly FileReport[]): Map<string, string[]> {
  const refs = new Map<string, string[]>();
  for (const f of files) {
    if (f.format !== 'onnx') continue;
    const list = f.info[EXTERNAL_DATA_INFO];
    if (!Array.isArray(list)) continue;
    for (const loc of list) {
      // Locations that escape, point at memory or are otherwise refused adopt nothing.
      if (typeof loc !== 'string' || checkLocation(loc).length > 0) continue;
      const target = posix.normalize(posix.join(posix.dirname(f.path.replaceAll('\\', '/')), loc.replaceAll('\\', '/')));
      refs.set(target, [...(refs.get(target) ?? []), f.path]);
    }
  }
  return refs;
}

/** `files` with unrecognised files that ONNX models of the same scan use as external data marked clean. */
export function adoptExternalData(files: readonly FileReport[]): FileReport[] {
  const refs = referencedDataFiles(files);
  if (refs.size === 0) return [...files];
  return files.map((f) => {
    const models = refs.get(posix.normalize(f.path.replaceAll('\\', '/')));
    if (models === undefined || !matchesNoFormat(f)) return f;
    return rejudged(
      f,
      'onnx-external-data',
      'model-data-only',
      [{ rule: 'onnx/external-data-of', severity: 'info', message: `external tensor data of ${models.join(', ')}`, location: { file: f.path } }],
      { 'external data of': models },
    );
  });
}

export const onnxExternalDataPass: FolderPass = {
  id: 'onnx-external-data',
  run: (files) => ({ files: adoptExternalData(files) }),
};
