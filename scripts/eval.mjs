#!/usr/bin/env node
/**
 * npm run eval: scans the evaluation corpus (../shared/corpus by default,
 * or $MODELGUARD_CORPUS) as one directory and compares every verdict with
 * the manifest's label. Prints confusion tables per format and technique
 * and every mismatch; exits 1 if any file misses its bar.
 *
 * The bar (from the corpus README): malicious → malicious; suspicious →
 * suspicious or malicious; benign → clean, except TorchScript archives
 * (clean when their code is read and judged, else exactly the torchscript/code
 * finding, suspicious) and checkpoints that
 * pickle a user-defined class (suspicious, naming the class).
 *
 * Then the breadth sets (eval-breadth.mjs: test/fixtures/benign-breadth,
 * benign-more, benign-precision and benign-survey) and the remote-code repositories (eval-remote-code.mjs).
 * Then, separately, the public benign repository set (test/fixtures/
 * benign-repos, written by scripts/benign/generate.py): every file and every
 * folder (each top-level repository, and each model folder the scan
 * summarises) must be clean.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanPaths } from '../dist/scan/directory.js';
import { evalBreadth } from './eval-breadth.mjs';
import { evalRemoteCode } from './eval-remote-code.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// The shared corpus sits beside the checkout (../shared), or beside the folder of worktrees (../../shared).
const defaultCorpus = [join(here, '..', '..', 'shared', 'corpus'), join(here, '..', '..', '..', 'shared', 'corpus')].find((d) =>
  existsSync(join(d, 'manifest.jsonl')),
);
const corpus = resolve(process.env.MODELGUARD_CORPUS ?? process.argv[2] ?? defaultCorpus ?? join(here, '..', '..', 'shared', 'corpus'));
const manifestPath = join(corpus, 'manifest.jsonl');
if (!existsSync(manifestPath)) {
  console.error(`eval: no corpus at ${corpus} (set MODELGUARD_CORPUS or pass a path)`);
  process.exit(2);
}
const rows = readFileSync(manifestPath, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));
const report = await scanPaths([corpus], {});
const byPath = new Map(report.files.map((f) => [f.path, f]));

function judge(row, f) {
  if (f === undefined) return { ok: false, why: 'not scanned' };
  const v = f.verdict;
  const serious = f.findings.filter((x) => x.severity !== 'info');
  if (row.label === 'malicious') return { ok: v === 'malicious', why: `expected malicious, got ${v}` };
  if (row.label === 'suspicious') return { ok: v === 'suspicious' || v === 'malicious', why: `expected at least suspicious, got ${v}` };
  if (row.format === 'torchscript') {
    // Clean when its code was read and every call is a standard operator; else exactly the code finding.
    const ok = v === 'clean' || (v === 'suspicious' && serious.length === 1 && serious[0].rule === 'torchscript/code');
    return { ok, why: `expected exactly torchscript/code, got ${v}: ${serious.map((x) => x.rule).join(', ')}` };
  }
  if (row.requires_import) {
    const names = serious.map((x) => x.global ?? '').join(' ');
    const ok = v === 'suspicious' && names.includes(row.requires_import);
    return { ok, why: `expected suspicious naming ${row.requires_import}, got ${v}` };
  }
  return {
    ok: v === 'clean',
    why: `expected clean, got ${v}: ${serious
      .map((x) => `${x.rule} ${x.message}`)
      .join(' | ')
      .slice(0, 300)}`,
  };
}

const VERDICTS = ['clean', 'suspicious', 'unscannable', 'malicious'];
const tables = { format: new Map(), technique: new Map() };
const failures = [];
for (const row of rows) {
  const f = byPath.get(row.path);
  const { ok, why } = judge(row, f);
  if (!ok) failures.push(`${row.label.padEnd(10)} ${row.format.padEnd(12)} ${row.path}: ${why}`);
  for (const [key, table] of [
    [row.format, tables.format],
    [`${row.label}:${row.technique}`, tables.technique],
  ]) {
    const t = table.get(key) ?? { label: row.label, n: 0, ok: 0, ...Object.fromEntries(VERDICTS.map((v) => [v, 0])) };
    t.n++;
    if (ok) t.ok++;
    t[f?.verdict ?? 'unscannable']++;
    table.set(key, t);
  }
}

function print(title, table) {
  console.log(`\n${title.padEnd(46)}  n  pass  clean  susp  unsc  mal`);
  for (const [k, t] of [...table.entries()].sort()) {
    console.log(
      `${k.slice(0, 46).padEnd(46)} ${String(t.n).padStart(2)}  ${String(t.ok).padStart(4)}  ${String(t.clean).padStart(5)}  ${String(t.suspicious).padStart(4)}  ${String(t.unscannable).padStart(4)}  ${String(t.malicious).padStart(3)}`,
    );
  }
}
print('by format (content)', tables.format);
print('by label:technique', tables.technique);
const labels = ['malicious', 'suspicious', 'benign'];
console.log('\nconfusion (label → verdict):        clean  susp  unsc  mal');
for (const l of labels) {
  const c = Object.fromEntries(VERDICTS.map((v) => [v, 0]));
  for (const row of rows.filter((r) => r.label === l)) c[byPath.get(row.path)?.verdict ?? 'unscannable']++;
  console.log(
    `  ${l.padEnd(32)} ${String(c.clean).padStart(5)}  ${String(c.suspicious).padStart(4)}  ${String(c.unscannable).padStart(4)}  ${String(c.malicious).padStart(4)}`,
  );
}
if (failures.length > 0) {
  console.log(`\nmisses (${failures.length}):`);
  for (const f of failures) console.log(`  ${f}`);
}
const passed = rows.length - failures.length;
console.log(`\neval: ${passed}/${rows.length} files meet their bar; scanned in ${report.summary.durationMs} ms`);

const benign = await benignRepos(join(here, '..', 'test', 'fixtures', 'benign-repos'));
const breadthMisses =
  (await evalBreadth(join(here, '..'))) +
  (await evalBreadth(join(here, '..'), 'benign-more')) +
  (await evalBreadth(join(here, '..'), 'benign-precision')) +
  (await evalBreadth(join(here, '..'), 'benign-survey'));
const remoteMisses = await evalRemoteCode(join(here, '..'));
process.exit(failures.length === 0 && benign && breadthMisses === 0 && remoteMisses === 0 ? 0 : 1);

/** The public benign repository set: every file and every folder clean. Returns whether it holds. */
async function benignRepos(dir) {
  if (!existsSync(dir)) {
    console.log(`\nbenign repositories: none at ${dir} (run /usr/bin/python3 scripts/benign/generate.py)`);
    return false;
  }
  const r = await scanPaths([dir], {});
  const repos = new Map();
  const misses = [];
  for (const f of r.files) {
    const repo = f.path.split('/')[0];
    const t = repos.get(repo) ?? { files: 0, clean: 0, bytes: 0 };
    t.files++;
    t.bytes += f.size;
    if (f.verdict === 'clean') t.clean++;
    else
      misses.push(
        `${f.verdict.padEnd(11)} ${f.format.padEnd(18)} ${f.path}: ${f.findings
          .filter((x) => x.severity !== 'info')
          .map((x) => `${x.rule} ${x.message}`)
          .join(' | ')
          .slice(0, 200)}`,
      );
    repos.set(repo, t);
  }
  const models = r.models ?? [];
  for (const m of models) if (m.verdict !== 'clean') misses.push(`folder ${m.path}: ${m.verdict} ${m.findings.map((x) => x.rule).join(', ')}`);
  console.log(`\n${'benign repositories'.padEnd(46)} files  clean   KiB  folder`);
  for (const [repo, t] of [...repos.entries()].sort()) {
    const folder = t.clean === t.files && models.filter((m) => m.path === repo || m.path.startsWith(`${repo}/`)).every((m) => m.verdict === 'clean');
    console.log(
      `${repo.slice(0, 46).padEnd(46)} ${String(t.files).padStart(5)}  ${String(t.clean).padStart(5)}  ${String(Math.round(t.bytes / 1024)).padStart(4)}  ${folder ? 'clean' : 'FLAGGED'}`,
    );
  }
  const cleanFiles = r.files.filter((f) => f.verdict === 'clean').length;
  const cleanModels = models.filter((m) => m.verdict === 'clean').length;
  if (misses.length > 0) {
    console.log(`\nbenign misses (${misses.length}):`);
    for (const m of misses) console.log(`  ${m}`);
  }
  console.log(
    `\nbenign: ${cleanFiles}/${r.files.length} files clean, ${cleanModels}/${models.length} model folders clean, ${repos.size} repositories; scanned in ${r.summary.durationMs} ms`,
  );
  return misses.length === 0;
}
