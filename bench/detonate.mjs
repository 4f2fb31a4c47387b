#!/usr/bin/env node
// Benchmark: wall time of one detonation, interpreter start included.
//   npm run bench:detonate [-- --runs 7]
// Generates a small torch state_dict (a 2-layer MLP, ~70 KiB) and a small
// plain pickle with /usr/bin/python3, then times in the same run:
//   python3 torch.load (host)   the same load without any sandbox: the floor
//   detonate torch               modelguard's detonate() (bwrap, seccomp, rlimits, evidence)
//   python3 pickle.load (host)  / detonate pickle: the same for a loader without torch
// Target: a small checkpoint detonates in under 2 s.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { detonate } = await import(join(root, 'dist/sandbox/detonate.js'));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const work = mkdtempSync(join(tmpdir(), 'modelguard-bench-detonate-'));

const GEN = `
import sys, pickle, torch
torch.manual_seed(0)
m = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
torch.save(m.state_dict(), sys.argv[1])
pickle.dump({'lr': 0.01, 'epochs': list(range(100))}, open(sys.argv[2], 'wb'))
`;
const pt = join(work, 'mlp.pt');
const pkl = join(work, 'config.pkl');
execFileSync('/usr/bin/python3', ['-c', GEN, pt, pkl]);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeHost(code, file) {
  const t = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    execFileSync('/usr/bin/python3', ['-c', code, file]);
    t.push(performance.now() - t0);
  }
  return t;
}

async function timeDetonate(file) {
  const t = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = await detonate(file);
    t.push(performance.now() - t0);
  }
  if (last.verdict !== 'clean') throw new Error(`expected clean, got ${last.verdict}: ${last.reason}`);
  return t;
}

try {
  const rows = [
    ['python3 torch.load (host, no sandbox)', timeHost("import sys, torch; torch.load(sys.argv[1], map_location='cpu')", pt)],
    ['detonate mlp.pt (torch)', await timeDetonate(pt)],
    ['python3 pickle.load (host, no sandbox)', timeHost("import sys, pickle; pickle.load(open(sys.argv[1], 'rb'))", pkl)],
    ['detonate config.pkl (pickle)', await timeDetonate(pkl)],
  ];
  console.log(`detonation wall time, ${runs} runs each (median / min / max, ms):`);
  for (const [name, t] of rows)
    console.log(
      `  ${name.padEnd(42)} ${median(t).toFixed(0).padStart(6)} ${Math.min(...t)
        .toFixed(0)
        .padStart(6)} ${Math.max(...t)
        .toFixed(0)
        .padStart(6)}`,
    );
  const overhead = median(rows[1][1]) - median(rows[0][1]);
  console.log(`sandbox overhead on the torch checkpoint: ${overhead.toFixed(0)} ms; target for the whole detonation: < 2000 ms`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
