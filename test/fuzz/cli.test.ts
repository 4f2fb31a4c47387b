/**
 * The CLI end to end on a folder of hostile inputs (structure mutants of
 * real fixtures, nested containers, cut files): the real process, exit
 * status as documented (1 for findings, 2 for usage and I/O errors), a
 * report for every file, and no stack trace or internal error on stderr.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { fixture } from '../helpers.js';
import { tempDir } from '../vault/helpers.js';
import { mutants } from './fields.js';
import { FULL } from './harness.js';
import { zipLayout, tarLayout } from './layouts-containers.js';
import { pickleLayout } from './layouts-models.js';
import { nest } from './nest.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const { dir, cleanup } = tempDir('mg-fuzz-cli-');
after(cleanup);

const STACK = /^\s+at .+[:(]\d+:\d+\)?$/m;

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A folder of hostile inputs, one file per mutant (a few per seed; every mutant under FUZZ_RUNS / SLOW=1). */
function hostileFolder(): { folder: string; files: number } {
  const folder = join(dir, 'hostile');
  mkdirSync(folder, { recursive: true });
  const per = FULL ? 200 : 6;
  let files = 0;
  const seeds: [string[], typeof zipLayout][] = [
    [['torch', 'malicious__datapkl-payload-injected.pt'], zipLayout],
    [['pickle', 'malicious__os-system-protocol4.pkl'], pickleLayout],
    [['archive', 'malicious__payload.tar'], tarLayout],
    [['numpy', 'malicious__npz-object-member.npz'], zipLayout],
  ];
  for (const [path, layout] of seeds) {
    const seed = Uint8Array.from(readFileSync(fixture(...path)));
    const all = [...mutants(seed, layout(seed))];
    const step = Math.max(1, Math.floor(all.length / per));
    for (let i = 0; i < all.length; i += step) writeFileSync(join(folder, `${path[1] ?? ''}.${files++}.bin`), (all[i] as { data: Uint8Array }).data);
  }
  const evil = Uint8Array.from(readFileSync(fixture('pickle', 'malicious__os-system-protocol2.pkl')));
  writeFileSync(join(folder, `nest-deep.${files++}.bin`), nest(evil, ['zip', 'tar', 'gzip', 'zip', 'zip', 'tar', 'gzip', 'zip', 'zip', 'tar']));
  writeFileSync(
    join(folder, `nest-zip40.${files++}.bin`),
    nest(
      evil,
      Array.from({ length: 40 }, () => 'zip' as const),
    ),
  );
  writeFileSync(join(folder, `empty.${files++}.bin`), new Uint8Array(0));
  return { folder, files };
}

describe('modelguard scan on a folder of hostile inputs', () => {
  const { folder, files } = hostileFolder();

  it('exits 1 with a JSON report of every file, nothing internal, no stack trace', () => {
    const r = cli('scan', '--no-config', '--no-progress', '--format', 'json', folder);
    assert.equal(r.code, 1, r.err);
    assert.doesNotMatch(r.err, STACK);
    const report = JSON.parse(r.out) as { files: { path: string; findings: { rule: string }[] }[] };
    assert.equal(report.files.length, files);
    for (const f of report.files) {
      assert.ok(!f.findings.some((x) => x.rule === 'engine/internal-error'), `${f.path}: internal error`);
    }
  });

  it('the text report too; one thread and workers alike', () => {
    for (const jobs of ['1', '2']) {
      const r = cli('scan', '--no-config', '--no-progress', '-j', jobs, folder);
      assert.equal(r.code, 1, r.err);
      assert.doesNotMatch(r.err, STACK);
      assert.doesNotMatch(r.out, /internal error/i);
    }
  });

  it('exits 2 on a missing path and on an empty folder, with a one-line error', () => {
    const missing = cli('scan', '--no-config', '--no-progress', join(dir, 'does-not-exist'));
    assert.equal(missing.code, 2);
    assert.doesNotMatch(missing.err, STACK);
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    const none = cli('scan', '--no-config', '--no-progress', empty);
    assert.equal(none.code, 2);
    assert.doesNotMatch(none.err, STACK);
  });

  it('hostile bytes on standard input: exit 1, no stack trace', () => {
    const data = readFileSync(join(folder, `nest-deep.${files - 3}.bin`));
    const r = spawnSync(process.execPath, [MAIN, 'scan', '--no-config', '--no-progress', '-'], { input: data, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.doesNotMatch(r.stderr, STACK);
  });
});
