#!/usr/bin/env node
/**
 * npm run bench:text [-- --dist <dir>] [--runs N]
 *
 * What text detection costs, since it runs on every file:
 *  1. sniffing: every format's sniffer (text last) over the 4 KiB heads of
 *     2,000 small binary checkpoints (.bench-cache/many, from bench/run.mjs)
 *     and of the benign repository set's files, in microseconds per file;
 *  2. scanning the benign repository set (139 files) in one process;
 *  3. checking a 64 MiB UTF-8 text to its end (the .vec / tokenizer.json
 *     case), against `iconv -f utf-8 -t utf-8` on the same file as the
 *     reference (it also reads and validates every byte).
 * `--dist` points at another build (a checkout's dist/) to compare before
 * and after on the same machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { dist: { type: 'string', default: join(root, 'dist') }, runs: { type: 'string', default: '5' } } });
const dist = resolve(values.dist);
const runs = Number(values.runs);
const { detectFormats } = await import(join(dist, 'scan', 'detect.js'));
const { BufferSource, FileSource } = await import(join(dist, 'bytes', 'source.js'));
const { scanPaths } = await import(join(dist, 'scan', 'directory.js'));
const { scanSource } = await import(join(dist, 'scan', 'engine.js'));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}
function heads(files) {
  return files.map((f) => {
    const b = readFileSync(f);
    return b.subarray(0, Math.min(b.length, 4096 * 4));
  });
}
function sniffMicros(bufs) {
  const times = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (const b of bufs) detectFormats(new BufferSource(b));
    times.push(((performance.now() - t0) * 1000) / bufs.length);
  }
  return median(times);
}

console.log(`text detection benchmark · ${dist} · node ${process.version}`);
const many = join(root, '.bench-cache', 'many');
const benign = join(root, 'test', 'fixtures', 'benign-repos');
const benignFiles = walk(benign);
if (existsSync(many)) {
  const bins = heads(readdirSync(many).map((f) => join(many, f)));
  sniffMicros(bins);
  console.log(`1. sniffing, every format: ${sniffMicros(bins).toFixed(1)} µs per binary checkpoint (${bins.length} files)`);
} else {
  console.log('1. sniffing: no .bench-cache/many (run npm run bench once)');
}
const texts = heads(benignFiles);
sniffMicros(texts);
console.log(`   ${sniffMicros(texts).toFixed(1)} µs per benign repository file (${texts.length} files, median of ${runs})`);

const scans = [];
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  await scanPaths([benign], { jobs: 1 });
  scans.push(performance.now() - t0);
}
console.log(`2. scanning the benign set (${benignFiles.length} files, one thread): ${median(scans).toFixed(0)} ms`);

const big = join(root, '.bench-cache', 'text-64m.vec');
if (!existsSync(big)) {
  mkdirSync(dirname(big), { recursive: true });
  const line = '模型 0.1234 -0.5678 0.9012 -0.3456 0.7890 model 0.11 0.22\n';
  writeFileSync(big, '1000000 8\n' + line.repeat(Math.ceil((64 * 1024 * 1024) / Buffer.byteLength(line))));
}
execFileSync('sh', ['-c', `cat "${big}" > /dev/null`]);
const mib = statSync(big).size / 1024 / 1024;
const ours = [];
let verdict = '';
for (let r = 0; r < runs; r++) {
  const src = new FileSource(big);
  const t0 = performance.now();
  const rep = await scanSource(src, 'text-64m.vec');
  ours.push(performance.now() - t0);
  src.close();
  verdict = `${rep.format} ${rep.verdict}`;
}
const ref = [];
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  execFileSync('iconv', ['-f', 'utf-8', '-t', 'utf-8', big], { stdio: ['ignore', 'ignore', 'inherit'] });
  ref.push(performance.now() - t0);
}
console.log(`3. ${mib.toFixed(0)} MiB UTF-8 text to its end: ${median(ours).toFixed(0)} ms = ${(mib / (median(ours) / 1000)).toFixed(0)} MiB/s (${verdict})`);
console.log(`   iconv -f utf-8 -t utf-8 (reference, whole process): ${median(ref).toFixed(0)} ms = ${(mib / (median(ref) / 1000)).toFixed(0)} MiB/s`);
