#!/usr/bin/env node
/**
 * npm run bench [-- --picklescan <dir>] [--skip big,memory,dir,dir20k]
 *
 * Prints the scanner's figures for the README:
 *  1. latency of scanning a 4 GB zip checkpoint (page cache warm) and the bytes it reads;
 *  2. peak memory scanning a 1 GB raw pickle and a 1 GB joblib dump, in a child process;
 *  3. files per second over 2,000 small checkpoints, against picklescan on the same
 *     directory, the two run in turn (picklescan runs from a source checkout given with --picklescan or
 *     $PICKLESCAN_SRC, using /usr/bin/python3; it is not part of this repository);
 *  4. the same over 20,000 files (the 2,000 hard-linked ten times): the steady
 *     state, once the fixed costs (Node start, module load, JIT warm-up) are spread.
 *  5. cold start, whole processes side by side: `modelguard --version`, one small file, and
 *     the 4 GB checkpoint, against picklescan on the same file; then the issue-16 targets
 *     (4 GB no slower than picklescan; 2,000 files at least 3x; 20,000 at least 5x), each
 *     marked met or not met from the figures above.
 * Data is generated once into .bench-cache/ by bench/generate.py (needs python3-torch).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FileSource } from '../dist/bytes/source.js';
import { scanSource } from '../dist/scan/engine.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.bench-cache');
const { values } = parseArgs({ options: { picklescan: { type: 'string' }, skip: { type: 'string', default: '' }, runs: { type: 'string', default: '3' } } });
const skip = new Set(values.skip.split(',').filter(Boolean));
const picklescan = values.picklescan ?? process.env.PICKLESCAN_SRC;
const runs = Number(values.runs);
const hasPicklescan = picklescan !== undefined && existsSync(join(picklescan, 'src', 'picklescan'));
/** Whole-process speed ratios (picklescan time / modelguard time), for the targets at the end. */
const ratios = {};
/** The command line as installed: the package's `bin` (the bundle scripts/build-cli.mjs writes). */
const cliBin = join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin.modelguard);

function gen(...what) {
  execFileSync('/usr/bin/python3', [join(root, 'bench', 'generate.py'), cache, ...what], { stdio: 'inherit' });
}
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
/** The lowest and highest of the ratios theirs[i] / ours[i] (runs taken side by side). */
function pairRange(theirs, ours) {
  const r = ours.map((o, i) => theirs[i] / o);
  return `${Math.min(...r).toFixed(1)}-${Math.max(...r).toFixed(1)}x`;
}
function warm(path) {
  execFileSync('sh', ['-c', `cat "${path}" > /dev/null`]);
}
const GiB = 1024 ** 3;
const cpus = (await import('node:os')).availableParallelism();
console.log(`modelguard benchmark · node ${process.version} · ${cpus} cores · ${new Date().toISOString()}`);

if (!skip.has('big')) {
  gen('big');
  const file = join(cache, 'big-4g.pt');
  warm(file);
  const times = [];
  let bytesRead = 0;
  for (let i = 0; i < 21; i++) {
    const src = new FileSource(file);
    let read = 0;
    const counting = { size: src.size, read: (o, l) => ((read += l), src.read(o, l)), close: () => src.close() };
    const t0 = performance.now();
    const r = await scanSource(counting, 'big-4g.pt');
    times.push(performance.now() - t0);
    src.close();
    bytesRead = read;
    if (r.verdict !== 'clean') throw new Error(`unexpected verdict ${r.verdict}`);
  }
  console.log(
    `\n1. zip checkpoint of ${(statSync(file).size / GiB).toFixed(2)} GiB: median ${median(times).toFixed(1)} ms, best ${Math.min(...times).toFixed(1)} ms over 21 scans; ${(bytesRead / 1024).toFixed(1)} KiB read per scan`,
  );
}

if (!skip.has('memory')) {
  gen('stream', 'joblib');
  const probe = join(root, 'bench', 'rss-probe.mjs');
  const base = JSON.parse(execFileSync(process.execPath, [probe]).toString());
  console.log(`\n2. peak memory (child process; node baseline ${(base.maxRSS / 1024).toFixed(0)} MiB):`);
  for (const f of ['stream-1g.pkl', 'joblib-1g.joblib']) {
    const file = join(cache, f);
    warm(file);
    const r = JSON.parse(execFileSync(process.execPath, [probe, file]).toString());
    console.log(
      `   ${f} (${(statSync(file).size / GiB).toFixed(2)} GiB): ${r.verdict}, peak RSS ${(r.maxRSS / 1024).toFixed(0)} MiB (+${((r.maxRSS - base.maxRSS) / 1024).toFixed(0)} MiB over baseline), ${r.ms.toFixed(0)} ms`,
    );
  }
}

if (!skip.has('dir')) {
  gen('many');
  const dir = join(cache, 'many');
  execFileSync('sh', ['-c', `cat "${dir}"/* > /dev/null`]);
  const time = (cmd, args, opts = {}) => {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    const ms = performance.now() - t0;
    if (r.error) throw r.error;
    return { ms, status: r.status, out: r.stdout.toString() };
  };
  // Interleaved (ours, ours on one thread, picklescan, then again): on a shared machine the load shifts between runs,
  // and each ratio compares runs taken side by side.
  const ours = [];
  const oursSingle = [];
  const theirs = [];
  for (let i = 0; i < runs; i++) {
    ours.push(time(process.execPath, [cliBin, 'scan', '--format', 'json', dir]).ms);
    oursSingle.push(time(process.execPath, [cliBin, 'scan', '--jobs', '1', '--format', 'json', dir]).ms);
    if (hasPicklescan) theirs.push(time('/usr/bin/python3', ['-m', 'picklescan', '-p', dir], { cwd: join(picklescan, 'src') }).ms);
  }
  const n = 2000;
  console.log(
    `\n3. ${n} small checkpoints (${(execFileSync('du', ['-sk', dir]).toString().split('\t')[0] / 1024).toFixed(0)} MiB), whole CLI runs, median of ${runs}:`,
  );
  console.log(`   modelguard, default threads: ${median(ours).toFixed(0)} ms = ${(n / (median(ours) / 1000)).toFixed(0)} files/s`);
  console.log(`   modelguard, 1 thread:       ${median(oursSingle).toFixed(0)} ms = ${(n / (median(oursSingle) / 1000)).toFixed(0)} files/s`);
  if (hasPicklescan) {
    const ratio = median(theirs) / median(ours);
    ratios.dir = ratio;
    const rev = existsSync(join(picklescan, '.git')) ? '' : (readFileSync(join(picklescan, 'pyproject.toml'), 'utf8').match(/version = "([^"]+)"/)?.[1] ?? '');
    console.log(`   picklescan ${rev}:           ${median(theirs).toFixed(0)} ms = ${(n / (median(theirs) / 1000)).toFixed(0)} files/s`);
    console.log(
      `   ratio: modelguard is ${ratio.toFixed(1)}x picklescan's files per second (${(median(theirs) / median(oursSingle)).toFixed(1)}x on one thread); run by run ${pairRange(theirs, ours)}`,
    );
  } else {
    console.log('   picklescan: not measured (pass --picklescan <source checkout> or set PICKLESCAN_SRC)');
  }
}

if (!skip.has('dir20k')) {
  gen('many');
  const src = join(cache, 'many');
  const dir = join(cache, 'many-20k');
  if (!existsSync(dir)) {
    const tmp = `${dir}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    for (let k = 0; k < 10; k++) for (const f of readdirSync(src)) linkSync(join(src, f), join(tmp, `r${k}-${f}`));
    renameSync(tmp, dir);
  }
  execFileSync('sh', ['-c', `cat "${src}"/* > /dev/null`]);
  const n = readdirSync(dir).length;
  const time = (cmd, args, opts = {}) => {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'], ...opts });
    if (r.error) throw r.error;
    return performance.now() - t0;
  };
  const ours = [];
  const theirs = [];
  for (let i = 0; i < runs; i++) {
    ours.push(time(process.execPath, [cliBin, 'scan', '--format', 'json', dir]));
    if (hasPicklescan) theirs.push(time('/usr/bin/python3', ['-m', 'picklescan', '-p', dir], { cwd: join(picklescan, 'src') }));
  }
  console.log(`\n4. ${n} small checkpoints (the 2,000 hard-linked ten times), whole CLI runs, median of ${runs}:`);
  console.log(`   modelguard, default threads: ${median(ours).toFixed(0)} ms = ${(n / (median(ours) / 1000)).toFixed(0)} files/s`);
  if (hasPicklescan) {
    console.log(`   picklescan:                  ${median(theirs).toFixed(0)} ms = ${(n / (median(theirs) / 1000)).toFixed(0)} files/s`);
    console.log(`   ratio: modelguard is ${(median(theirs) / median(ours)).toFixed(1)}x picklescan's files per second; run by run ${pairRange(theirs, ours)}`);
    ratios.dir20k = median(theirs) / median(ours);
  }
}

if (!skip.has('cold')) {
  const cli = cliBin;
  const whole = (cmd, args, opts = {}) => {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'], ...opts });
    if (r.error) throw r.error;
    return performance.now() - t0;
  };
  const med = (f) => median(Array.from({ length: Math.max(runs, 5) }, f));
  const small = join(root, 'test', 'fixtures', 'torch', 'clean__state-dict-zip.pt');
  console.log(`\n5. cold start, whole processes, median of ${Math.max(runs, 5)}:`);
  console.log(`   node -e 0 (the floor):              ${med(() => whole(process.execPath, ['-e', '0'])).toFixed(0)} ms`);
  console.log(`   modelguard --version:               ${med(() => whole(process.execPath, [cli, '--version'])).toFixed(0)} ms`);
  console.log(
    `   modelguard scan <one small .pt>:    ${med(() => whole(process.execPath, [cli, 'scan', '--no-progress', '--no-config', small])).toFixed(0)} ms`,
  );
  if (hasPicklescan) {
    const ps = (file) => whole('/usr/bin/python3', ['-m', 'picklescan', '-p', file], { cwd: join(picklescan, 'src') });
    console.log(`   picklescan -p <one small .pt>:      ${med(() => ps(small)).toFixed(0)} ms`);
    const big = join(cache, 'big-4g.pt');
    if (existsSync(big)) {
      warm(big);
      const ours = med(() => whole(process.execPath, [cli, 'scan', '--no-progress', '--no-config', big]));
      const theirs = med(() => ps(big));
      ratios.big = theirs / ours;
      console.log(`   modelguard scan big-4g.pt:          ${ours.toFixed(0)} ms`);
      console.log(`   picklescan -p big-4g.pt:            ${theirs.toFixed(0)} ms`);
    }
  }
  const target = (label, ratio, want) =>
    console.log(
      `   ${label.padEnd(44)} ${ratio === undefined ? 'not measured' : `${ratio.toFixed(2)}x picklescan, target ${want}x: ${ratio >= want ? 'MET' : 'NOT MET'}`}`,
    );
  console.log('\n   targets (whole process, picklescan time / modelguard time):');
  target('one 4 GB checkpoint (no slower)', ratios.big, 1);
  target('2,000 small checkpoints', ratios.dir, 3);
  target('20,000 small checkpoints', ratios.dir20k, 5);
  if (!hasPicklescan) console.log('   (pass --picklescan <source checkout> or set PICKLESCAN_SRC to measure the ratios)');
}
