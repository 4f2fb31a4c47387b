/**
 * `--ignore-paths` as the reference resolves them: relative to the current
 * directory (or absolute), kept only when they lie inside the model, and
 * recorded relative to the model root.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';

export function relativeIgnore(model: string, paths: readonly string[], cwd: string): string[] {
  const root = resolve(cwd, model);
  const out: string[] = [];
  for (const p of paths) {
    for (const candidate of [resolve(cwd, p), isAbsolute(p) ? undefined : resolve(root, p)]) {
      if (candidate === undefined) continue;
      const rel = relative(root, candidate);
      if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) {
        out.push(rel.split(sep).join('/'));
        break;
      }
    }
  }
  return out;
}
