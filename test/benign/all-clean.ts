/** The assertion the committed benign sets share: every file and every model folder of a set is clean. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ScanReport } from '../../src/findings/report.js';
import { scanPaths } from '../../src/scan/directory.js';

/**
 * Scans `dir` and asserts that the files in `mustHold` are there (a regenerated set that lost a kind would pass
 * vacuously), that it holds at least `minFiles` files and `minModels` model folders, and that none is flagged.
 */
export async function assertAllClean(dir: string, mustHold: readonly string[], minFiles: number, minModels = 0): Promise<ScanReport> {
  const r = await scanPaths([dir], { jobs: 1 });
  for (const f of mustHold) assert.ok(existsSync(join(dir, f)), f);
  assert.ok(r.files.length >= minFiles, `${r.files.length} files`);
  const flagged = r.files.filter((f) => f.verdict !== 'clean').map((f) => `${f.path}: ${f.format} ${f.verdict} ${f.findings.map((x) => x.rule).join(',')}`);
  assert.deepEqual(flagged, []);
  const models = r.models ?? [];
  assert.ok(models.length >= minModels, `${models.length} model folders`);
  assert.deepEqual(
    models.filter((m) => m.verdict !== 'clean').map((m) => `${m.path}: ${m.verdict}`),
    [],
  );
  return r;
}
