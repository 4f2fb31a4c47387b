#!/usr/bin/env node
/**
 * npm run bench:zstd [-- --dist <dir>] [--runs N] [--mib M]
 *
 * What decoding a Zstandard wrapper costs: M MiB (default 32) of JSON
 * lines, compressed by the `zstd` tool at levels 3 and 19, decoded by
 * modelguard's decoder into a bounded output (checksum included), against
 * `zstd -d -c > /dev/null` on the same file as the reference. Median of N
 * runs (default 3), in MiB of output per second.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { dist: { type: 'string', default: join(root, 'dist') }, runs: { type: 'string', default: '3' }, mib: { type: 'string', default: '32' } },
});
const dist = resolve(values.dist);
const runs = Number(values.runs);
const mib = Number(values.mib);
const { ZSTD_CODEC } = await import(join(dist, 'codecs', 'zstd', 'frame.js'));
const { BoundedOutput } = await import(join(dist, 'codecs', 'output.js'));
const { newState } = await import(join(dist, 'codecs', 'codec.js'));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cache = join(root, '.bench-cache', 'zstd');
mkdirSync(cache, { recursive: true });
const plain = join(cache, `rows-${mib}m.jsonl`);
if (!existsSync(plain)) {
  let seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const words = ['model', 'token', 'layer', 'weight', 'train', 'eval', 'loss', 'batch', 'the', 'a', 'of', 'and'];
  const parts = [];
  let n = 0;
  for (let i = 0; n < mib << 20; i++) {
    const text = Array.from({ length: 5 + Math.floor(rnd() * 40) }, () => words[Math.floor(rnd() * words.length)]).join(' ');
    const line = JSON.stringify({ id: i, score: rnd(), text }) + '\n';
    parts.push(line);
    n += line.length;
  }
  writeFileSync(plain, parts.join(''));
}
console.log(`zstd decode, ${mib} MiB of JSON lines, median of ${runs}`);
for (const level of [3, 19]) {
  const file = join(cache, `rows-${mib}m-${level}.zst`);
  if (!existsSync(file)) execFileSync('zstd', ['-q', '-f', `-${level}`, plain, '-o', file]);
  const input = readFileSync(file);
  const ours = [];
  let produced = 0;
  for (let r = 0; r < runs; r++) {
    const out = new BoundedOutput(1 << 30, 'bench');
    const t0 = performance.now();
    ZSTD_CODEC.decode(input, out, newState());
    ours.push(performance.now() - t0);
    produced = out.length;
    out.close();
  }
  const ref = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    execFileSync('sh', ['-c', `zstd -d -q -c '${file}' > /dev/null`]);
    ref.push(performance.now() - t0);
  }
  const rate = (ms) => (produced / (1 << 20) / (ms / 1000)).toFixed(1);
  console.log(
    `  level ${level}: ${input.length} -> ${produced} bytes; modelguard ${median(ours).toFixed(0)} ms (${rate(median(ours))} MiB/s), zstd -d ${median(ref).toFixed(0)} ms (${rate(median(ref))} MiB/s)`,
  );
}
