#!/usr/bin/env node
/**
 * Fault tests against the built command line (issue 23, "Done when"): the
 * promises a new user or an attacker would test, each run as a real
 * process on real files, pipes, FIFOs, /dev/full and signals. Prints one
 * line per check and exits 1 if any fails.
 *
 *   npm run fault-test                 (compiles build/, then runs)
 *   node scripts/fault-test.mjs [--cli path/to/main.js] [--soak N] [--only 'part of a name;...']
 *
 * `--soak N` sets the scans per format of the memory soak (default 3000).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: { cli: { type: 'string' }, soak: { type: 'string', default: '3000' }, only: { type: 'string' } },
});
const CLI = resolve(opts.cli ?? join(ROOT, 'build/src/cli/main.js'));
const LIB = dirname(dirname(CLI)); // dist/ or build/src/
const SOAK = Number(opts.soak);
const ONLY = opts.only === undefined ? undefined : opts.only.split(';');
const WORK = mkdtempSync(join(tmpdir(), 'mg-fault-'));
const STACK = /^\s+at .+[(:]\d+/m;

const results = [];
/** Runs one named check; `fn` returns a short detail or throws an Error saying what broke. */
async function check(name, fn) {
  if (ONLY !== undefined && !ONLY.some((part) => name.includes(part))) return;
  const t0 = performance.now();
  try {
    const detail = await fn();
    results.push({ name, ok: true, detail });
    console.log(`PASS  ${name}  ${detail ?? ''}  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    results.push({ name, ok: false, detail: e.message });
    console.log(`FAIL  ${name}  ${e.message}`);
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

/** Runs the CLI to completion (shell-free); returns status, signal, stdout, stderr. */
function mg(args, { input, cwd = WORK, timeout = 120_000, env = {} } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, input, timeout, env: { ...process.env, ...env }, maxBuffer: 256 << 20 });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? Buffer.alloc(0), stderr: (r.stderr ?? Buffer.alloc(0)).toString(), error: r.error };
}

/** Runs a shell pipeline (for `| head`, `> /dev/full`); returns PIPESTATUS of the CLI and stderr. */
function sh(script, timeout = 120_000) {
  const r = spawnSync('bash', ['-c', script], { cwd: WORK, timeout, env: { ...process.env, MG: `${process.execPath} ${CLI}` } });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

function noStack(stderr, what) {
  assert(!STACK.test(stderr), `${what}: a stack trace reached the user:\n${stderr.slice(0, 400)}`);
  assert(stderr.trim().split('\n').length <= 2, `${what}: more than a short message:\n${stderr.slice(0, 400)}`);
}

function dir(name) {
  const d = join(WORK, name);
  mkdirSync(d, { recursive: true });
  return d;
}

const fixtures = join(ROOT, 'test/fixtures');
const anyPt = join(fixtures, 'torch/clean__state-dict-zip.pt');
const KERAS = join(fixtures, 'keras/clean__sequential-dense.keras');
const H5 = join(fixtures, 'keras/clean__sequential-mlp.h5');

// An age identity for encrypt/decrypt checks (the age-keygen from Debian's age package).
const identity = join(WORK, 'key.txt');
execFileSync('age-keygen', ['-o', identity], { stdio: 'ignore' });
const recipient = /age1[0-9a-z]+/.exec(readFileSync(identity, 'utf8'))[0];
const big = join(WORK, 'big.bin');
writeFileSync(
  big,
  createHash('sha512')
    .update('x')
    .digest()
    .toString('hex')
    .repeat(100_000)
    .slice(0, 6 * 1024 * 1024),
);
execFileSync(process.execPath, [CLI, 'encrypt', '-r', recipient, '-o', join(WORK, 'enc6.age'), big]);

// ---------------------------------------------------------------- vault
for (const damage of ['missing', 'corrupt']) {
  await check(`vault retention keeps a good copy when the newest is ${damage}`, () => {
    const run = dir(`vault-${damage}/run`);
    const vault = `${run}.vault`;
    for (const step of [100, 200, 300]) {
      writeFileSync(join(run, `ckpt-${step}.pt`), readFileSync(anyPt));
      const r = mg(['vault', 'watch', run, '-r', recipient, '--once', '--settle', '0', '--vault', vault]);
      assert(r.status === 0, `vault watch failed: ${r.stderr}`);
    }
    const copies = readdirSync(vault).filter((f) => f.endsWith('.age'));
    assert(copies.length === 3, `expected 3 copies, found ${copies.join(', ')}`);
    const newest = copies.find((f) => f.includes('300'));
    if (damage === 'missing') unlinkSync(join(vault, newest));
    else {
      const b = readFileSync(join(vault, newest));
      b[b.length >> 1] ^= 0x40;
      writeFileSync(join(vault, newest), b);
    }
    const p = mg(['vault', 'prune', vault, '--keep-last', '1']);
    const said = p.stdout.toString() + p.stderr;
    const left = readdirSync(vault).filter((f) => f.endsWith('.age') && f !== newest);
    assert(left.length >= 1, `prune deleted every intact copy; it said: ${said}`);
    const v = mg(['vault', 'verify', vault]);
    const out = v.stdout.toString() + v.stderr;
    assert(out.includes(damage), `vault verify does not report the ${damage} copy:\n${out}`);
    assert(v.status !== 0, 'vault verify exits 0 with a damaged copy');
    for (const f of left)
      assert(new RegExp(`${f.replace(/[.]/g, '\\.')}.*intact|intact.*${f.replace(/[.]/g, '\\.')}`).test(out), `${f} is not reported intact:\n${out}`);
    return `prune kept ${left.join(', ')} (intact); verify reports the ${damage} copy`;
  });
}

// ---------------------------------------------------------------- symlink at the temp name
await check('a planted symlink at the temp name is not followed (sign, convert, encrypt)', () => {
  // A preload makes the first temp name predictable (as an attacker watching the folder would guess it),
  // then plants a symlink there pointing at a victim file.
  const d = dir('symlink');
  const victim = join(d, 'victim.txt');
  writeFileSync(victim, 'precious\n');
  const preload = join(d, 'predictable.mjs');
  writeFileSync(
    preload,
    `import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
const real = crypto.randomBytes;
let first = true;
crypto.randomBytes = (n, ...rest) => {
  if (first && n === 6 && rest.length === 0) { first = false; return Buffer.alloc(6); }
  return real(n, ...rest);
};
syncBuiltinESMExports();
`,
  );
  const model = dir('symlink/model');
  writeFileSync(join(model, 'weights.bin'), 'w');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(d, 'signing.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const cases = [
    ['sign', join(d, 'model.sig'), ['sign', 'key', model, '--private-key', join(d, 'signing.pem'), '--signature', join(d, 'model.sig')]],
    ['convert', join(d, 'out.safetensors'), ['convert', anyPt, join(d, 'out.safetensors')]],
    ['encrypt', join(d, 'enc.age'), ['encrypt', '-r', recipient, '-o', join(d, 'enc.age'), anyPt]],
  ];
  for (const [what, target, args] of cases) {
    const planted = join(dirname(target), `.${target.split('/').pop()}.000000000000.tmp`);
    symlinkSync(victim, planted);
    const r = spawnSync(process.execPath, ['--import', preload, CLI, ...args], { cwd: d });
    assert(readFileSync(victim, 'utf8') === 'precious\n', `${what} wrote through the planted symlink`);
    assert(r.status === 0, `${what} failed: ${r.stderr}`);
    assert(existsSync(target), `${what} wrote no output`);
    unlinkSync(planted);
  }
  return 'victim untouched; sign, convert and encrypt picked another name';
});

// ---------------------------------------------------------------- memory soak
await check(`${SOAK} scans of a .keras and an .h5: RSS grows < 20 MB, < 1 KB heap+buffers a scan`, () => {
  const probe = join(WORK, 'soak.mjs');
  writeFileSync(
    probe,
    `const { scanFile } = await import(${JSON.stringify(join(LIB, 'scan/scan-file.js'))});
const n = ${SOAK};
const out = {};
// libhdf5's time limit is a wall-clock guard: on a loaded machine it is not what this check measures.
const opts = { limits: { maxHdf5Millis: 600000 } };
for (const [name, path] of Object.entries({ keras: ${JSON.stringify(KERAS)}, h5: ${JSON.stringify(H5)} })) {
  for (let i = 0; i < 300; i++) await scanFile(path, opts); // warm-up: caches, JIT, the HDF5 worker's heap
  globalThis.gc(); globalThis.gc();
  const m0 = process.memoryUsage();
  for (let i = 0; i < n; i++) {
    const r = await scanFile(path, opts);
    if (r.verdict !== 'clean') throw new Error(name + ' scanned ' + r.verdict + ': ' + JSON.stringify(r.findings));
  }
  globalThis.gc(); globalThis.gc();
  await new Promise((r) => setTimeout(r, 50));
  globalThis.gc();
  const m1 = process.memoryUsage();
  out[name] = { rss: m1.rss - m0.rss, perScan: (m1.heapUsed + m1.arrayBuffers - m0.heapUsed - m0.arrayBuffers) / n };
}
console.log(JSON.stringify(out));
process.exit(0);
`,
  );
  const r = spawnSync(process.execPath, ['--expose-gc', probe], { timeout: 3_600_000 });
  assert(r.status === 0, `soak failed: ${r.stderr}`);
  const m = JSON.parse(r.stdout.toString().trim().split('\n').pop());
  const parts = [];
  for (const [name, v] of Object.entries(m)) {
    assert(v.rss < 20 * 1024 * 1024, `${name}: RSS grew ${(v.rss / 1048576).toFixed(1)} MB`);
    assert(v.perScan < 1024, `${name}: ${v.perScan.toFixed(0)} bytes of heap+buffers kept a scan`);
    parts.push(`${name}: RSS ${(v.rss / 1048576).toFixed(1)} MB, ${v.perScan.toFixed(0)} B/scan`);
  }
  return parts.join('; ');
});

// ---------------------------------------------------------------- output failures
await check('EPIPE (report piped into head) ends quietly with status 141', () => {
  const d = dir('many');
  for (let i = 0; i < 400; i++) writeFileSync(join(d, `f${i}.bin`), `not a model ${i}`);
  // The reader is gone before the report is written (as with head -1 on a long scan).
  const r = sh(`$MG scan --no-progress -v many | true; echo "status=\${PIPESTATUS[0]}" >&2`);
  noStack(r.stderr.replace(/status=\d+\n?/, ''), 'scan | head');
  assert(/status=141/.test(r.stderr), `scan | head: ${r.stderr}`);
  const r2 = sh(`$MG decrypt -i key.txt enc6.age | head -c 10 >/dev/null; echo "status=\${PIPESTATUS[0]}" >&2`);
  noStack(r2.stderr.replace(/status=\d+\n?/, ''), 'decrypt | head');
  assert(/status=(141|0)/.test(r2.stderr), `decrypt | head: ${r2.stderr}`);
  return 'scan and decrypt: no output on stderr, 141';
});

await check('ENOSPC on standard output: one line, status 2', () => {
  const r = sh(`$MG scan --no-progress ${fixtures}/torch > /dev/full; echo "status=$?" >&2`);
  const msg = r.stderr.replace(/status=\d+\n?/, '');
  noStack(msg, 'scan > /dev/full');
  assert(/ENOSPC|no space/i.test(msg) && /status=2/.test(r.stderr), `scan > /dev/full: ${r.stderr}`);
  const r2 = sh(`$MG decrypt -i key.txt enc6.age > /dev/full; echo "status=$?" >&2`);
  noStack(r2.stderr.replace(/status=\d+\n?/, ''), 'decrypt > /dev/full');
  assert(/status=2/.test(r2.stderr), `decrypt > /dev/full: ${r2.stderr}`);
  return msg.trim();
});

await check('decrypt of a tampered ciphertext (>= 4 MiB) to stdout: one line, no stack trace', () => {
  const b = readFileSync(join(WORK, 'enc6.age'));
  b[b.length - 1000] ^= 1;
  writeFileSync(join(WORK, 'tampered.age'), b);
  const r = mg(['decrypt', '-i', identity, 'tampered.age']);
  noStack(r.stderr, 'tampered decrypt');
  // 1: a failed check (the documented status of a ciphertext that does not authenticate); never a crash.
  assert(r.status === 1 || r.status === 2, `status ${r.status}: ${r.stderr}`);
  return r.stderr.trim();
});

// ---------------------------------------------------------------- FIFOs
await check('a FIFO does not hang scan or convert (argument or in a folder)', () => {
  const d = dir('fifo');
  execFileSync('mkfifo', [join(d, 'pipe')]);
  writeFileSync(join(d, 'note.txt'), 'hello');
  const a = mg(['scan', '--no-progress', join(d, 'pipe')], { timeout: 20_000 });
  assert(a.error === undefined && a.status !== null, 'scan of a FIFO argument hung');
  assert(/not a regular file/.test(a.stdout.toString()), `scan FIFO: ${a.stdout}`);
  const b = mg(['scan', '--no-progress', d], { timeout: 20_000 });
  assert(b.error === undefined && b.status !== null, 'scan of a folder with a FIFO hung');
  const c = mg(['convert', join(d, 'pipe'), join(d, 'out.safetensors')], { timeout: 20_000 });
  assert(c.error === undefined && c.status === 2, `convert of a FIFO: status ${c.status} ${c.stderr}`);
  noStack(c.stderr, 'convert FIFO');
  return 'skipped with a named reason; convert refuses (status 2)';
});

// ---------------------------------------------------------------- '-' for stdout/stdin
await check("'-o -' writes to standard output (encrypt, decrypt, scan) and no file named '-'", () => {
  const enc = mg(['encrypt', '-r', recipient, '-o', '-', anyPt]);
  assert(enc.status === 0 && enc.stdout.subarray(0, 21).toString() === 'age-encryption.org/v1', `encrypt -o -: ${enc.stderr}`);
  writeFileSync(join(WORK, 'stdout.age'), enc.stdout);
  const dec = mg(['decrypt', '-i', identity, '-o', '-', 'stdout.age']);
  assert(dec.status === 0 && dec.stdout.equals(readFileSync(anyPt)), `decrypt -o -: ${dec.stderr}`);
  const sc = mg(['scan', '--no-progress', '-f', 'json', '-o', '-', anyPt]);
  assert(JSON.parse(sc.stdout.toString()).verdict === 'clean', 'scan -o - printed no JSON report');
  const si = mg(['scan', '--no-progress', '-f', 'json', '-'], { input: readFileSync(anyPt) });
  assert(JSON.parse(si.stdout.toString()).files[0].format === 'torch-zip', 'scan - did not read standard input');
  assert(!existsSync(join(WORK, '-')), "a file named '-' was written");
  return 'round trip through stdout; scan reads stdin';
});

// ---------------------------------------------------------------- signals and temp modes
await check('SIGTERM leaves no temp file; plaintext temps are 0600', async () => {
  const d = dir('sigterm');
  const tmpFiles = () => readdirSync(d).filter((f) => f.endsWith('.tmp'));
  const enc = mg(['encrypt', '-r', recipient, '-o', join(d, 'c.age'), big]);
  assert(enc.status === 0, enc.stderr);
  const modes = [];
  for (const [what, args] of [
    ['decrypt', ['decrypt', '-i', identity, '-o', join(d, 'plain.bin')]],
    ['encrypt', ['encrypt', '-r', recipient, '-o', join(d, 'again.age')]],
  ]) {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: d, stdio: ['pipe', 'ignore', 'pipe'] });
    child.stdin.on('error', () => undefined); // EPIPE once the child is gone
    try {
      const input = what === 'decrypt' ? readFileSync(join(d, 'c.age')) : readFileSync(big);
      child.stdin.write(input.subarray(0, input.length >> 1)); // half the input; stdin stays open
      let temp;
      for (let i = 0; i < 200 && temp === undefined; i++) {
        await new Promise((r) => setTimeout(r, 25));
        temp = tmpFiles()[0];
      }
      assert(temp !== undefined, `${what}: no temp file appeared`);
      modes.push(`${what} ${(statSync(join(d, temp)).mode & 0o777).toString(8)}`);
      assert((statSync(join(d, temp)).mode & 0o077) === 0, `${what}: temp file is ${(statSync(join(d, temp)).mode & 0o777).toString(8)}`);
      const done = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
      child.kill('SIGTERM');
      const end = await done;
      child.stdin.destroy();
      assert(tmpFiles().length === 0, `${what}: ${tmpFiles().join(', ')} left after SIGTERM`);
      assert(end.signal === 'SIGTERM' || end.code === 143, `${what}: ended with ${JSON.stringify(end)}`);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
  return `no temp left; modes while running: ${modes.join(', ')}`;
});

// ---------------------------------------------------------------- honest text
await check('a name with a newline and an escape is printed escaped', () => {
  const d = dir('names');
  const evil = 'x\n\x1b[32mCLEAN       model.pt\x1b[0m';
  writeFileSync(join(d, evil), 'not a model');
  const r = mg(['scan', '--no-progress', d]);
  const out = r.stdout.toString();
  assert(!out.includes('\x1b') && !out.includes('\nCLEAN       model.pt'), `raw name in the report:\n${JSON.stringify(out)}`);
  assert(out.includes('x\\n\\x1b[32mCLEAN'), `name not escaped:\n${out}`);
  writeFileSync(Buffer.concat([Buffer.from(`${d}/bad`), Buffer.from([0xff, 0xfe]), Buffer.from('.bin')]), 'not a model either');
  const r2 = mg(['scan', '--no-progress', d]);
  assert(r2.stdout.toString().includes('bad\\xff\\xfe.bin') && !/io-error/.test(r2.stdout.toString()), `non-UTF-8 name:\n${r2.stdout}`);
  return 'control characters and invalid UTF-8 shown as escapes, the file scanned';
});

// ---------------------------------------------------------------- lax acceptance
await check('an empty folder is not CLEAN with status 0', () => {
  const r = mg(['scan', '--no-progress', dir('empty')]);
  assert(r.status !== 0 && !/CLEAN/.test(r.stdout.toString()), `status ${r.status}: ${r.stdout}`);
  return `status ${r.status}: ${r.stderr.trim()}`;
});

await check('convert X X is refused and X left intact', () => {
  const x = join(dir('same'), 'x.pt');
  writeFileSync(x, readFileSync(anyPt));
  const r = mg(['convert', x, x, '--force']);
  assert(r.status === 2 && readFileSync(x).equals(readFileSync(anyPt)), `status ${r.status}: ${r.stderr}`);
  const link = join(WORK, 'same', 'y.safetensors');
  symlinkSync(x, link);
  const r2 = mg(['convert', x, link, '--force']);
  assert(r2.status === 2 && readFileSync(x).equals(readFileSync(anyPt)), `through a link: status ${r2.status}: ${r2.stderr}`);
  return r.stderr.trim();
});

// ---------------------------------------------------------------- bombs
await check('gzip and xz bombs stay under 256 MB peak RSS', () => {
  const d = dir('bombs');
  const zeros = Buffer.alloc(1 << 30);
  writeFileSync(join(d, 'zeros.gz'), gzipSync(zeros, { level: 9 }));
  writeFileSync(join(d, 'level1.gz'), gzipSync(Buffer.concat([Buffer.from('\x80\x02}q\x00.'), zeros.subarray(0, 1000 << 20)]), { level: 1 }));
  const xz = spawnSync('xz', ['-9', '-c', '-T1'], { input: zeros.subarray(0, 512 << 20), maxBuffer: 64 << 20 });
  assert(xz.status === 0, 'xz is needed to build the xz bomb');
  writeFileSync(join(d, 'zeros.xz'), xz.stdout);
  const parts = [];
  for (const f of ['zeros.gz', 'level1.gz', 'zeros.xz']) {
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, CLI, 'scan', '--no-progress', join(d, f)], { timeout: 600_000 });
    const kb = Number(r.stderr.toString().trim().split('\n').pop());
    assert(Number.isFinite(kb), `${f}: no figure (${r.stderr})`);
    assert(kb < 256 * 1024, `${f}: peak RSS ${(kb / 1024).toFixed(0)} MB`);
    assert(r.status === 1, `${f}: status ${r.status}`);
    parts.push(`${f} (${(statSync(join(d, f)).size / 1048576).toFixed(1)} MB) ${(kb / 1024).toFixed(0)} MB`);
  }
  return parts.join(', ');
});

// ---------------------------------------------------------------- fuzzing
await check('npm run fuzz exists, CI runs it, and a fixed budget finds no unexpected exception', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert(typeof pkg.scripts?.fuzz === 'string', 'no fuzz script in package.json');
  assert(/npm run( -s)? fuzz/.test(readFileSync(join(ROOT, '.ci/run'), 'utf8')), '.ci/run does not run the fuzzer');
  const fuzzDir = join(ROOT, 'build/test/fuzz');
  assert(existsSync(fuzzDir), 'build/test/fuzz missing (npm run build:test first)');
  const r = spawnSync(process.execPath, ['--test', fuzzDir], { env: { ...process.env, FUZZ_RUNS: '200' }, timeout: 1_800_000 });
  const out = r.stdout.toString();
  assert(
    r.status === 0,
    `fuzz suite failed:\n${out
      .split('\n')
      .filter((l) => /not ok|Error|Counterexample/.test(l))
      .slice(0, 10)
      .join('\n')}`,
  );
  const tests = /# pass (\d+)/.exec(out)?.[1] ?? '?';
  return `${tests} fuzz properties passed at 200 runs each`;
});

rmSync(WORK, { recursive: true, force: true });
const failed = results.filter((r) => !r.ok);
console.log(
  `\n${results.length - failed.length}/${results.length} checks passed${failed.length > 0 ? `; failed: ${failed.map((f) => f.name).join('; ')}` : ''}`,
);
process.exitCode = failed.length === 0 ? 0 : 1;
