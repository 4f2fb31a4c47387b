#!/usr/bin/env node
/**
 * Side-by-side throughput of the `age` CLI and modelguard's age encryption
 * (CLI from dist/), on the same files, in the same run.
 *
 *   npm run bench:age                 # 1 GiB and 4 GiB (needs ~3x that in free space)
 *   npm run bench:age -- --sizes 0.25 # quick run, sizes in GiB
 *
 * For each size: writes a random plaintext in a temp dir, warms the page
 * cache, then times encrypt and decrypt to /dev/null and to a file, for age,
 * modelguard (worker threads, the default) and modelguard single-threaded
 * (MODELGUARD_THREADS=1). Wall time and peak RSS come from /usr/bin/time -v
 * when present. Everything is deleted afterwards. Not a test: no assertions.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const argSizes = process.argv.indexOf('--sizes');
const sizesGiB = argSizes > 0 ? process.argv[argSizes + 1].split(',').map(Number) : [1, 4];
const reps = Number(process.env.BENCH_REPS ?? 2);
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

if (!existsSync(MAIN)) throw new Error('run `npm run build` first (bench uses dist/)');
if (spawnSync('age', ['--version']).status !== 0) throw new Error('age CLI not found (apt-get install age)');

const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'mg-bench-'));
const need = Math.max(...sizesGiB) * 2 ** 30 * 3.1;
const fs = statfsSync(dir);
if (fs.bavail * fs.bsize < need) throw new Error(`need ${(need / 2 ** 30).toFixed(1)} GiB free in ${dir}`);

function timed(cmd, args, env = {}) {
  const full = TIME ? [TIME, ['-v', cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 26 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  return { secs, rssMiB: rss ? Number(rss[1]) / 1024 : NaN };
}

function best(fn) {
  let b;
  for (let i = 0; i < reps; i++) {
    // Flush the previous run's dirty pages first, so its write-back does not land in this run's time.
    execFileSync('sync');
    const r = fn();
    if (b === undefined || r.secs < b.secs) b = r;
  }
  return b;
}

function writeRandom(path, bytes) {
  const fd = openSync(path, 'w');
  const buf = Buffer.allocUnsafe(64 << 20);
  for (let done = 0; done < bytes; done += buf.length) {
    randomFillSync(buf);
    writeSync(fd, buf, 0, Math.min(buf.length, bytes - done));
  }
  closeSync(fd);
}

const warm = (p) => execFileSync('cat', [p], { stdio: ['ignore', 'ignore', 'inherit'] });

const key = join(dir, 'key.txt');
execFileSync('age-keygen', ['-o', key], { stdio: 'ignore' });
const recipient = execFileSync('age-keygen', ['-y', key], { encoding: 'utf8' }).trim();
const mg = (args, env) => timed(process.execPath, [MAIN, ...args], env);
const single = { MODELGUARD_THREADS: '1' };

console.log(
  `# node ${process.version}, age ${execFileSync('age', ['--version'], { encoding: 'utf8' }).trim()}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'})`,
);
console.log(`# best of ${reps}; MiB/s = plaintext MiB / wall seconds; ratio = modelguard / age (higher is faster)`);
console.log('# modelguard fsyncs file outputs before renaming them into place and age does not: for files, "age + fsync" runs `sync FILE` after age');
console.log('# (compare with modelguard\'s default), and "--no-fsync" runs modelguard without any fsync (compare with plain age)');
console.log(
  '| size | operation | output | age MiB/s | age + fsync MiB/s | modelguard MiB/s (vs age, vs age + fsync) | modelguard --no-fsync MiB/s (vs age) | modelguard 1 thread MiB/s (vs age) | peak RSS age / mg / mg-1t (MiB) |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
try {
  for (const gib of sizesGiB) {
    const bytes = Math.round(gib * 2 ** 30);
    const mib = bytes / 2 ** 20;
    const plain = join(dir, 'plain.bin');
    const enc = join(dir, 'plain.age');
    const out = join(dir, 'out');
    writeRandom(plain, bytes);
    execFileSync('age', ['-r', recipient, '-o', enc, plain]);
    const rows = [
      [
        'encrypt',
        '/dev/null',
        () => timed('age', ['-r', recipient, '-o', '/dev/null', plain]),
        (env) => mg(['encrypt', '-r', recipient, '-o', '/dev/null', plain], env),
      ],
      ['encrypt', 'file', () => timed('age', ['-r', recipient, '-o', out, plain]), (env) => mg(['encrypt', '-r', recipient, '-o', out, plain], env)],
      ['decrypt', '/dev/null', () => timed('age', ['-d', '-i', key, '-o', '/dev/null', enc]), (env) => mg(['decrypt', '-i', key, '-o', '/dev/null', enc], env)],
      ['decrypt', 'file', () => timed('age', ['-d', '-i', key, '-o', out, enc]), (env) => mg(['decrypt', '-i', key, '-o', out, enc], env)],
    ];
    for (const [op, target, ageRun, mgRun] of rows) {
      warm(op === 'encrypt' ? plain : enc);
      const a = best(() => {
        rmSync(out, { force: true });
        return ageRun();
      });
      const m = best(() => {
        rmSync(out, { force: true });
        return mgRun({});
      });
      const s = best(() => {
        rmSync(out, { force: true });
        return mgRun(single);
      });
      const f = (r) => (mib / r.secs).toFixed(0);
      let durable = '-';
      let vsDurable = '';
      let noSync = '-';
      if (target === 'file') {
        const cmd = op === 'encrypt' ? `age -r ${recipient} -o '${out}' '${plain}'` : `age -d -i '${key}' -o '${out}' '${enc}'`;
        const d = best(() => {
          rmSync(out, { force: true });
          return timed('sh', ['-c', `${cmd} && sync '${out}'`]);
        });
        durable = f(d);
        vsDurable = `, ${(d.secs / m.secs).toFixed(2)}x`;
        const args = op === 'encrypt' ? ['encrypt', '--no-fsync', '-r', recipient, '-o', out, plain] : ['decrypt', '--no-fsync', '-i', key, '-o', out, enc];
        const n = best(() => {
          rmSync(out, { force: true });
          return mg(args, {});
        });
        noSync = `${f(n)} (${(a.secs / n.secs).toFixed(2)}x)`;
      }
      console.log(
        `| ${gib} GiB | ${op} | ${target} | ${f(a)} | ${durable} | ${f(m)} (${(a.secs / m.secs).toFixed(2)}x${vsDurable}) | ${noSync} | ${f(s)} (${(a.secs / s.secs).toFixed(2)}x) | ${a.rssMiB.toFixed(0)} / ${m.rssMiB.toFixed(0)} / ${s.rssMiB.toFixed(0)} |`,
      );
    }
    if (process.env.BENCH_CHECK !== '0') {
      rmSync(out, { force: true });
      execFileSync(process.execPath, [MAIN, 'encrypt', '-r', recipient, '-o', out, plain]);
      execFileSync('age', ['-d', '-i', key, '-o', join(dir, 'check'), out]);
      const same = spawnSync('cmp', [plain, join(dir, 'check')]).status === 0;
      console.log(`# ${gib} GiB: modelguard ciphertext decrypts with age: ${same ? 'yes' : 'NO'}`);
      rmSync(join(dir, 'check'), { force: true });
    }
    rmSync(plain, { force: true });
    rmSync(enc, { force: true });
    rmSync(out, { force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
