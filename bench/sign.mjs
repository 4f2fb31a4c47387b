#!/usr/bin/env node
/**
 * npm run bench:sign [-- --runs 3]
 *
 * Hashing and signing throughput against single-core `openssl dgst -sha256`
 * on the same files, page cache warm:
 *   - a 4 GB single-file model, signed with `--shard-size 1000000000`
 *     (shards let all cores share one file; a single SHA-256 stream cannot);
 *   - a folder of 8 x 512 MB files, signed per file (the default).
 * Files are created in .bench-cache/sign/ (git-ignored) and kept for re-runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, writeSync, closeSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, '.bench-cache', 'sign');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const GB = 1e9;

function makeFile(path, bytes) {
  if (existsSync(path) && statSync(path).size === bytes) return;
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024 * 1024);
  for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((i * 2654435761) >>> 0, i);
  for (let done = 0; done < bytes; done += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - done));
  closeSync(fd);
}
const single = join(dir, 'single', 'model.bin');
makeFile(single, 4 * GB);
const shards = join(dir, 'shards');
for (let i = 0; i < 8; i++) makeFile(join(shards, `model-0000${i + 1}-of-00008.safetensors`), 512 * 1024 * 1024);
execFileSync('/usr/bin/openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(dir, 'k.pem')]);

function time(cmd, args) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}
function best(f) {
  return Math.min(...Array.from({ length: runs }, f));
}
const cli = join(root, 'dist', 'cli', 'main.js');
const files = (p) =>
  statSync(p).isDirectory()
    ? execFileSync('ls', [p])
        .toString()
        .trim()
        .split('\n')
        .map((f) => join(p, f))
    : [p];
console.log(`modelguard signing benchmark · node ${process.version} · ${availableParallelism()} cores · best of ${runs} · page cache warm`);
for (const [label, model, extra, bytes] of [
  ['4 GB single file (shards of 1 GB)', dirname(single), ['--shard-size', '1000000000'], 4 * GB],
  ['8 x 512 MiB files', shards, [], 8 * 512 * 1024 * 1024],
]) {
  execFileSync('sh', ['-c', `cat ${files(model).join(' ')} > /dev/null`]);
  const ossl = best(() => time('/usr/bin/openssl', ['dgst', '-sha256', ...files(model)]));
  const digest = best(() => time(process.execPath, [cli, 'digest', model, ...extra]));
  const sig = join(dir, 'bench.sig');
  const sign = best(() => time(process.execPath, [cli, 'sign', 'key', model, '--private-key', join(dir, 'k.pem'), '--signature', sig, ...extra]));
  const gbs = (s) => `${(bytes / s / GB).toFixed(2)} GB/s`;
  console.log(`\n${label}:`);
  console.log(`  openssl dgst -sha256 (1 core): ${ossl.toFixed(2)} s  ${gbs(ossl)}`);
  console.log(`  modelguard digest:             ${digest.toFixed(2)} s  ${gbs(digest)}  (${(ossl / digest).toFixed(2)}x openssl)`);
  console.log(`  modelguard sign key:           ${sign.toFixed(2)} s  ${gbs(sign)}  (${(ossl / sign).toFixed(2)}x openssl)`);
}
