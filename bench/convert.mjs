#!/usr/bin/env node
// Benchmark: `modelguard convert` against `cp` of the same file, page cache warm.
//   npm run build && node bench/convert.mjs [--sizes 1,4] [--legacy 1] [--dir /tmp]
// Generates zip checkpoints of the given sizes (GiB) and a legacy one with
// /usr/bin/python3 + torch, warms the page cache, then times in the same run:
//   cp                     plain copy (not flushed to disk)
//   cp + sync <file>       copy flushed to disk (what convert guarantees)
//   convert                default: fsync then rename
//   convert --no-fsync     same without the flush (compare with plain cp)
// and prints ratios and peak RSS. Files are deleted afterwards.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1,4' },
    legacy: { type: 'string', default: '1' },
    dir: { type: 'string', default: tmpdir() },
    runs: { type: 'string', default: '3' },
  },
});
const work = mkdtempSync(join(values.dir, 'modelguard-bench-'));
const cli = join(root, 'dist/cli/main.js');
const runs = Number(values.runs);

const GEN = `
import sys, torch
path, gib, legacy = sys.argv[1], float(sys.argv[2]), sys.argv[3] == '1'
n = int(gib * 2**30 / 4)
per = 64 * 2**20 // 4  # 64 MiB tensors, like the layers of a large model
sd, i = {}, 0
while n > 0:
    k = min(per, n)
    sd[f'layer.{i}.weight'] = torch.empty(k, dtype=torch.float32).uniform_()
    n -= k; i += 1
torch.save(sd, path, _use_new_zipfile_serialization=not legacy)
`;

function time(cmd, args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const [secs, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { secs, rssMiB: kb / 1024 };
}

function best(fn) {
  let b;
  for (let i = 0; i < runs; i++) {
    const r = fn();
    if (b === undefined || r.secs < b.secs) b = r;
  }
  return b;
}

const cases = [
  ...values.sizes
    .split(',')
    .filter(Boolean)
    .map((g) => ({ name: `zip ${g} GiB`, gib: Number(g), legacy: false })),
  ...values.legacy
    .split(',')
    .filter(Boolean)
    .map((g) => ({ name: `legacy ${g} GiB`, gib: Number(g), legacy: true })),
];
const rows = [];
try {
  for (const c of cases) {
    const input = join(work, `in.pt`);
    execFileSync('/usr/bin/python3', ['-c', GEN, input, String(c.gib), c.legacy ? '1' : '0'], { stdio: 'inherit' });
    const size = statSync(input).size;
    const copy = join(work, 'copy.bin');
    const out = join(work, 'out.safetensors');
    execFileSync('cat', [input], { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 });
    const cp = best(() => {
      rmSync(copy, { force: true });
      return time('cp', [input, copy]);
    });
    const cpSync = best(() => {
      rmSync(copy, { force: true });
      return time('sh', ['-c', `cp "${input}" "${copy}" && sync "${copy}"`]);
    });
    rmSync(copy, { force: true });
    const conv = best(() => {
      rmSync(out, { force: true });
      return time('node', [cli, 'convert', input, out]);
    });
    const convFast = best(() => {
      rmSync(out, { force: true });
      return time('node', [cli, 'convert', input, out, '--no-fsync']);
    });
    rmSync(out, { force: true });
    rmSync(input, { force: true });
    rows.push({
      case: c.name,
      bytes: size,
      cp: cp.secs,
      'cp+sync': cpSync.secs,
      convert: conv.secs,
      'convert --no-fsync': convFast.secs,
      'ratio (convert / cp+sync)': +(conv.secs / cpSync.secs).toFixed(2),
      'ratio (--no-fsync / cp)': +(convFast.secs / cp.secs).toFixed(2),
      'peak RSS MiB': Math.round(Math.max(conv.rssMiB, convFast.rssMiB)),
    });
    console.log(rows[rows.length - 1]);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.table(rows);
