/**
 * The remote-code repositories (test/fixtures/remote-code, written by
 * scripts/remote-code/generate.py): benign repositories whose config maps
 * Auto classes to code they ship must have every file clean and their
 * folder suspicious with only model/remote-code (trust_remote_code runs
 * code by design, like a TorchScript archive's code); each hostile twin
 * (one edit in code run at load) must be malicious, and a twin whose edit
 * runs only when called must not be clean. Returns the number of misses.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { scanPaths } from '../dist/scan/directory.js';

export async function evalRemoteCode(root) {
  const base = join(root, 'test', 'fixtures', 'remote-code');
  if (!existsSync(base)) {
    console.log(`\nremote-code repositories: none at ${base} (run /usr/bin/python3 scripts/remote-code/generate.py)`);
    return 1;
  }
  const misses = [];
  const rows = [];
  for (const group of ['benign', 'malicious', 'later']) {
    for (const name of readdirSync(join(base, group)).sort()) {
      const r = await scanPaths([join(base, group, name)], { jobs: 1 });
      const folders = r.models ?? [];
      const verdict = folders.reduce((v, m) => (rank(m.verdict) > rank(v) ? m.verdict : v), 'clean');
      const flaggedFiles = r.files.filter((f) => f.verdict !== 'clean');
      const others = folders.flatMap((m) => m.findings.filter((f) => f.severity !== 'info' && f.rule !== 'model/remote-code'));
      let ok;
      if (group === 'benign') ok = flaggedFiles.length === 0 && verdict === 'suspicious' && others.length === 0;
      else if (group === 'malicious') ok = verdict === 'malicious';
      else ok = verdict !== 'clean';
      rows.push(
        `${`${group}/${name}`.padEnd(48)} ${String(r.files.length).padStart(5)}  ${String(r.files.length - flaggedFiles.length).padStart(5)}  ${verdict}`,
      );
      if (!ok)
        misses.push(
          `  ${group}/${name}: folder ${verdict}; ${flaggedFiles.map((f) => `${f.path} ${f.verdict}`).join(', ')} ${others.map((f) => f.rule).join(', ')}`,
        );
    }
  }
  console.log(`\nremote-code repositories (${base}):\n${'repository'.padEnd(48)} files  clean  folder`);
  for (const r of rows) console.log(r);
  if (misses.length > 0) console.log(`misses (${misses.length}):\n${misses.join('\n')}`);
  console.log(
    `remote code: ${rows.length - misses.length}/${rows.length} repositories meet their bar (benign: files clean, folder suspicious only for its code; twins malicious)`,
  );
  return misses.length;
}

function rank(v) {
  return ['clean', 'suspicious', 'unscannable', 'malicious'].indexOf(v);
}
