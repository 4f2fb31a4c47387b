#!/usr/bin/env node
/**
 * npm run bench:registry [-- --uploads 100 --concurrency 50 --workers 2 --size 0 --database postgres://…]
 *
 * A bounded loopback load test of the model registry (modelguard serve):
 *   1. `--uploads` tus uploads of small model files, `--concurrency` at a
 *      time (each a distinct benign PyTorch checkpoint: the fixture with a
 *      different trailing comment in the zip, so every one is a new blob);
 *      upload latency p50/p99 and uploads per second;
 *   2. the pipeline draining them (scan, convert, rescan, sign, publish)
 *      with `--workers` workers: artifacts per second until every one is
 *      published;
 *   3. with `--size N` (MiB), one upload of N MiB of random bytes in 8 MiB
 *      chunks (MB/s; it is then quarantined as unknown bytes).
 * Embedded database by default; `--database` for PostgreSQL. Data goes to
 * a temporary folder removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { createRegistry, defaultConfig, databaseFrom, createUser, newToken } = await import(join(root, 'dist/server/index.js'));
const { values: o } = parseArgs({
  options: {
    uploads: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '50' },
    workers: { type: 'string', default: '2' },
    size: { type: 'string', default: '0' },
    database: { type: 'string' },
  },
});
const N = Number(o.uploads);
const C = Number(o.concurrency);
const data = mkdtempSync(join(tmpdir(), 'mg-bench-registry-'));
const config = defaultConfig(data);
config.workers = Number(o.workers);
config.database = databaseFrom(o.database);
const t0 = performance.now();
const registry = await createRegistry(config);
const url = await registry.listen(0);
console.log(`registry up in ${((performance.now() - t0) / 1000).toFixed(1)} s (${config.database.kind}, ${config.workers} workers)`);
const user = await createUser(registry.app.sql, 'bench', 'bench password 123', 'uploader');
const auth = { authorization: `Bearer ${await newToken(registry.app.sql, user, 'bench')}`, 'tus-resumable': '1.0.0' };
const base = readFileSync(join(root, 'test/fixtures/torch/clean__state-dict-zip.pt'));

/** The same checkpoint with a distinct zip comment (the end-of-central-directory comment length is its last 2 bytes before the comment). */
function variant(i) {
  const eocd = base.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const comment = Buffer.from(`bench-${i}`);
  const head = Buffer.from(base.subarray(0, eocd + 22));
  head.writeUInt16LE(comment.length, eocd + 20);
  return Buffer.concat([head, comment]);
}

const meta = (m) =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');

async function upload(body, name, chunk = 8 * 1024 * 1024) {
  const c = await fetch(`${url}/api/uploads`, {
    method: 'POST',
    headers: { ...auth, 'upload-length': String(body.length), 'upload-metadata': meta({ org: 'bench', model: name, filename: `${name}.pt` }) },
  });
  const loc = c.headers.get('location');
  let artifact;
  for (let off = 0; off < body.length; off += chunk) {
    const r = await fetch(`${url}${loc}`, {
      method: 'PATCH',
      headers: { ...auth, 'upload-offset': String(off), 'content-type': 'application/offset+octet-stream' },
      body: body.subarray(off, Math.min(body.length, off + chunk)),
    });
    if (r.status !== 204) throw new Error(`PATCH ${r.status}`);
    artifact = r.headers.get('upload-artifact') ?? artifact;
  }
  return Number(artifact);
}

const pct = (xs, p) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const lat = [];
const ids = [];
let next = 0;
const tu = performance.now();
await Promise.all(
  Array.from({ length: C }, async () => {
    while (next < N) {
      const i = next++;
      const s = performance.now();
      ids.push(await upload(variant(i), `m${i}`));
      lat.push(performance.now() - s);
    }
  }),
);
const upSec = (performance.now() - tu) / 1000;
console.log(
  `uploads: ${N} x ${base.length} B, concurrency ${C}: ${(N / upSec).toFixed(1)}/s, latency p50 ${pct(lat, 50).toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms`,
);

for (;;) {
  const rows = await registry.app.sql.query(`select state, count(*)::int as n from artifacts group by state`);
  const left = rows.filter((r) => r.state === 'queued' || r.state === 'processing').reduce((a, r) => a + r.n, 0);
  if (left === 0) {
    const drain = (performance.now() - tu) / 1000;
    console.log(
      `pipeline drained: ${rows.map((r) => `${r.n} ${r.state}`).join(', ')} in ${drain.toFixed(1)} s from the first upload (${(N / drain).toFixed(1)} artifacts/s)`,
    );
    break;
  }
  await new Promise((r) => setTimeout(r, 200));
}

if (Number(o.size) > 0) {
  const big = randomBytes(Number(o.size) * 1024 * 1024);
  const s = performance.now();
  await upload(big, 'big');
  const sec = (performance.now() - s) / 1000;
  console.log(`one ${o.size} MiB upload in 8 MiB chunks: ${(Number(o.size) / sec).toFixed(0)} MiB/s`);
}
await registry.close();
rmSync(data, { recursive: true, force: true });
