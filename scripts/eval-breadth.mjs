/**
 * The benign breadth set (test/fixtures/benign-breadth, written by
 * scripts/benign-breadth/generate.py): one small real file of every class
 * a model repository, data set or training run carries besides models
 * (media, data containers, numbers-only model formats, git and cache
 * internals, a git clone, a Hugging Face cache). Scanned as one folder, as
 * a CI gate would; every file and every model folder must be clean.
 * Prints a table by kind and every miss; returns the number of misses.
 */
import { join } from 'node:path';
import { scanPaths } from '../dist/scan/directory.js';

export async function evalBreadth(root, set = 'benign-breadth') {
  const dir = join(root, 'test', 'fixtures', set);
  const report = await scanPaths([dir], { jobs: 1 });
  const byKind = new Map();
  const misses = [];
  for (const f of report.files) {
    const row = byKind.get(f.kind) ?? { n: 0, clean: 0 };
    row.n++;
    if (f.verdict === 'clean') row.clean++;
    else misses.push(`  ${f.verdict.padEnd(11)} ${f.path} (${f.format}): ${f.reason.slice(0, 200)}`);
    byKind.set(f.kind, row);
  }
  for (const m of report.models ?? []) if (m.verdict !== 'clean') misses.push(`  ${m.verdict.padEnd(11)} folder ${m.path}`);
  console.log(`\nbenign ${set.replace('benign-', '')} set (${dir}):\nkind                      files  clean`);
  for (const [k, r] of [...byKind.entries()].sort()) console.log(`${k.padEnd(24)} ${String(r.n).padStart(6)}  ${String(r.clean).padStart(5)}`);
  if (misses.length > 0) console.log(`misses (${misses.length}):\n${misses.join('\n')}`);
  const clean = report.files.filter((f) => f.verdict === 'clean').length;
  console.log(
    `${set}: ${clean}/${report.files.length} files clean, ${(report.models ?? []).filter((m) => m.verdict === 'clean').length}/${(report.models ?? []).length} model folders clean; scanned in ${report.summary.durationMs} ms`,
  );
  return misses.length;
}
