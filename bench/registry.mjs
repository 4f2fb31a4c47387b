#!/usr/bin/env node
/**
 * npm run bench:registry [-- options]
 *
 * A bounded loopback load and fault benchmark of the model registry
 * (issue 21, "Load and faults"). Never a test: it prints figures.
 *
 *   1. Load: `--uploads` tus uploads of small models (each a distinct
 *      benign PyTorch checkpoint: the fixture with its own zip comment),
 *      `--concurrency` at a time, and at the same time `--big` uploads of
 *      `--big-size` MiB (sparse, zero-filled safetensors generated under
 *      .bench-cache/registry/, each with its own header so each is a new
 *      blob), sent in 8 MiB PATCHes. Prints uploads/s, MB/s, p50/p99 upload
 *      latency of the small ones.
 *   2. Drain: the pipeline (scan, convert, rescan, sign, publish) with
 *      `--workers` workers: in this process on the embedded database,
 *      separate worker processes on PostgreSQL; time until nothing is
 *      queued.
 *   3. Worker killed mid-job (PostgreSQL only: the embedded database belongs
 *      to one process): a worker process claims a `--fault-size` MiB upload,
 *      is sent SIGKILL before the scan step is recorded; a new worker must
 *      take the job again after its lease and publish it only after every
 *      step (never lost, never published unscanned).
 *   4. Server restarted mid-upload: the web process is closed while a
 *      PATCH of a `--fault-size` MiB upload is in flight, then reopened on
 *      the same data; the client asks HEAD for the offset, resumes, and the
 *      digest of what is published is the file's.
 *
 * Options: --database postgres://… (else the embedded database),
 * --s3 http://HOST:PORT/BUCKET (blobs in an S3-compatible server; the
 * credentials are AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else s3rver's),
 * --no-faults. The data folder is temporary and removed at the end, as are
 * the generated files.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { createRegistry, defaultConfig, databaseFrom, createUser, newToken } = await import(join(root, 'dist/server/index.js'));
const { values: o } = parseArgs({
  options: {
    uploads: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '200' },
    workers: { type: 'string', default: '4' },
    big: { type: 'string', default: '2' },
    'big-size': { type: 'string', default: '1024' },
    'fault-size': { type: 'string', default: '256' },
    database: { type: 'string' },
    s3: { type: 'string' },
    'no-faults': { type: 'boolean', default: false },
  },
});
const N = Number(o.uploads);
const C = Number(o.concurrency);
const BIG = Number(o.big);
const BIG_MIB = Number(o['big-size']);
const FAULT_MIB = Number(o['fault-size']);
const MiB = 1024 * 1024;
const CHUNK = 8 * MiB;

const data = mkdtempSync(join(tmpdir(), 'mg-bench-registry-'));
const cache = join(root, '.bench-cache/registry');
mkdirSync(cache, { recursive: true });
const config = defaultConfig(data);
config.database = databaseFrom(o.database);
// On PostgreSQL, a database of this run's own (created here, dropped at the end): runs never see each other's jobs.
let dropDatabase = async () => undefined;
if (config.database.kind === 'postgres') {
  const { default: pg } = await import('pg');
  const name = `mgbench_${process.pid}`;
  const admin = new pg.Client({ connectionString: config.database.url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(config.database.url);
  const adminUrl = config.database.url;
  u.pathname = `/${name}`;
  config.database = { kind: 'postgres', url: u.toString() };
  dropDatabase = async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
}
// On PostgreSQL every worker is a separate process (bench/registry-worker.mjs); on the embedded database they run in this one.
const PROCS = config.database.kind === 'postgres' ? Number(o.workers) : 0;
config.workers = PROCS > 0 ? 0 : Number(o.workers);
if (o.s3 !== undefined) {
  const u = new URL(o.s3);
  config.blobs = {
    kind: 's3',
    bucket: u.pathname.replace(/^\/|\/$/g, ''),
    region: 'us-east-1',
    endpoint: u.origin,
    forcePathStyle: true,
    prefix: `bench-${process.pid}/`,
    credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'S3RVER', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'S3RVER' },
  };
}

const generated = [];
const children = new Set();
function cleanup() {
  for (const c of children) c.kill('SIGKILL');
  for (const f of generated) rmSync(f, { force: true });
  rmSync(data, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => process.exit(130));

/** A registry worker process (bench/registry-worker.mjs) on the same database and blobs; resolves once its workers run. */
function workerProcess(leaseSeconds) {
  const child = spawn(
    process.execPath,
    [join(root, 'bench/registry-worker.mjs'), JSON.stringify({ ...config, workers: 1, ...(leaseSeconds === undefined ? {} : { leaseSeconds }) })],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  children.add(child);
  child.on('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker process exited with ${code}`)));
  });
}

const t0 = performance.now();
let registry = await createRegistry(config);
let url = await registry.listen(0);
const sql = () => registry.app.sql;
for (let i = 0; i < PROCS; i++) await workerProcess();
const where = `${config.database.kind} database, ${config.blobs.kind} blobs, ${PROCS > 0 ? `${PROCS} worker processes` : `${config.workers} in-process workers`}`;
console.log(`registry up in ${((performance.now() - t0) / 1000).toFixed(1)} s (${where})`);
// A run's own user and organisation: a PostgreSQL database may hold earlier runs.
const ORG = `bench${process.pid}`;
const user = await createUser(sql(), ORG, 'bench password 123', 'uploader');
const auth = { authorization: `Bearer ${await newToken(sql(), user, 'bench')}`, 'tus-resumable': '1.0.0' };
const base = readFileSync(join(root, 'test/fixtures/torch/clean__state-dict-zip.pt'));

/** The same checkpoint with a distinct zip comment (the end-of-central-directory comment length is its last 2 bytes before the comment). */
function variant(i) {
  const eocd = base.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const comment = Buffer.from(`bench-${i}`);
  const head = Buffer.from(base.subarray(0, eocd + 22));
  head.writeUInt16LE(comment.length, eocd + 20);
  return Buffer.concat([head, comment]);
}

/** A zero-filled safetensors file of about `mib` MiB: a header naming one F32 tensor, then a sparse hole (no disk used until uploaded). */
function bigSafetensors(name, mib) {
  const path = join(cache, `${name}-${mib}MiB.safetensors`);
  const n = Math.floor((mib * MiB - 4096) / 4);
  let header = JSON.stringify({ __metadata__: { bench: name }, weight: { dtype: 'F32', shape: [n], data_offsets: [0, n * 4] } });
  header += ' '.repeat((8 - (header.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  writeFileSync(path, Buffer.concat([len, Buffer.from(header)]));
  truncateSync(path, 8 + header.length + n * 4);
  generated.push(path);
  return { path, size: 8 + header.length + n * 4 };
}

const meta = (m) =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');

async function create(size, model, filename) {
  const c = await fetch(`${url}/api/uploads`, {
    method: 'POST',
    headers: { ...auth, 'upload-length': String(size), 'upload-metadata': meta({ org: ORG, model, filename }) },
  });
  if (c.status !== 201) throw new Error(`POST ${c.status} ${await c.text()}`);
  return c.headers.get('location');
}

/** PATCHes that failed on the network (connection reset) and were resumed from HEAD's offset, as a tus client does. */
const retried = [];

async function patch(loc, off, body) {
  const r = await fetch(`${url}${loc}`, {
    method: 'PATCH',
    headers: { ...auth, 'upload-offset': String(off), 'content-type': 'application/offset+octet-stream' },
    body,
  });
  if (r.status !== 204) throw new Error(`PATCH ${r.status} ${await r.text()}`);
  return r.headers.get('upload-artifact');
}

/** PATCH `body` at `off`; after a network error, ask HEAD where the upload is and send the rest (at most 5 times). */
async function patchResuming(loc, off, body) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await patch(loc, off, body);
    } catch (e) {
      if (attempt >= 5 || !(e instanceof TypeError)) throw e;
      retried.push(String(e.cause?.code ?? e.message));
      await sleep(100);
      const head = await fetch(`${url}${loc}`, { method: 'HEAD', headers: auth });
      const now = Number(head.headers.get('upload-offset'));
      if (head.headers.get('upload-artifact') !== null) return head.headers.get('upload-artifact');
      body = body.subarray(now - off);
      off = now;
    }
  }
}

async function uploadBuffer(body, model) {
  const loc = await create(body.length, model, `${model}.pt`);
  let artifact;
  for (let off = 0; off < body.length; off += CHUNK)
    artifact = (await patchResuming(loc, off, body.subarray(off, Math.min(body.length, off + CHUNK)))) ?? artifact;
  return Number(artifact);
}

function readChunk(path, off, len) {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(len);
    const n = readSync(fd, b, 0, len, off);
    return b.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Uploads a file from `from` in CHUNK PATCHes; `beforePatch(off)` may act first (the restart fault). */
async function uploadFile(loc, path, size, from = 0, beforePatch = undefined) {
  let artifact;
  for (let off = from; off < size; off += CHUNK) {
    const chunk = readChunk(path, off, Math.min(CHUNK, size - off));
    if (beforePatch === undefined) {
      artifact = (await patchResuming(loc, off, chunk)) ?? artifact;
    } else {
      await beforePatch(off);
      artifact = (await patch(loc, off, chunk)) ?? artifact;
    }
  }
  return Number(artifact);
}

async function sha256File(path) {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c);
  return h.digest('hex');
}

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function states() {
  return sql().query(`select state, count(*)::int as n from artifacts where org = $1 group by state order by state`, [ORG]);
}

async function drained() {
  for (;;) {
    const rows = await states();
    if (!rows.some((r) => r.state === 'queued' || r.state === 'processing')) return rows;
    await sleep(200);
  }
}

async function settle(id) {
  for (;;) {
    const rows = await sql().query('select state, reason, sha256 from artifacts where id = $1', [id]);
    if (rows[0].state !== 'queued' && rows[0].state !== 'processing') return rows[0];
    await sleep(200);
  }
}

// 1. Load.
const bigs = Array.from({ length: BIG }, (_, i) => bigSafetensors(`big${i}`, BIG_MIB));
const lat = [];
let next = 0;
const tu = performance.now();
const bigTimes = [];
const bigUploads = bigs.map(async (b, i) => {
  const s = performance.now();
  const loc = await create(b.size, `big${i}`, `big${i}.safetensors`);
  await uploadFile(loc, b.path, b.size);
  bigTimes.push((performance.now() - s) / 1000);
});
await Promise.all([
  ...bigUploads,
  ...Array.from({ length: Math.min(C, N) }, async () => {
    while (next < N) {
      const i = next++;
      const s = performance.now();
      await uploadBuffer(variant(i), `m${i}`);
      lat.push(performance.now() - s);
    }
  }),
]);
const upSec = (performance.now() - tu) / 1000;
const bytes = N * base.length + bigs.reduce((a, b) => a + b.size, 0);
console.log(`load: ${N} small uploads (${base.length} B) at concurrency ${C} + ${BIG} x ${BIG_MIB} MiB, all received in ${upSec.toFixed(1)} s`);
console.log(
  `  ${(N / upSec).toFixed(1)} uploads/s, ${(bytes / MiB / upSec).toFixed(0)} MiB/s in all; small upload latency p50 ${pct(lat, 50).toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms` +
    (BIG > 0 ? `; each ${BIG_MIB} MiB upload ${bigTimes.map((t) => `${(BIG_MIB / t).toFixed(0)} MiB/s`).join(', ')}` : ''),
);

// 2. Drain.
if (retried.length > 0) console.log(`  ${retried.length} PATCHes lost their connection (${[...new Set(retried)].join(', ')}) and resumed from HEAD's offset`);
const rows = await drained();
const drain = (performance.now() - tu) / 1000;
console.log(
  `drain: ${rows.map((r) => `${r.n} ${r.state}`).join(', ')}, ${drain.toFixed(1)} s from the first upload (${((N + BIG) / drain).toFixed(1)} artifacts/s)`,
);
for (const f of generated.splice(0)) rmSync(f, { force: true });

if (!o['no-faults']) {
  // 3. A worker process killed mid-job.
  if (config.database.kind !== 'postgres') {
    console.log('fault, worker killed mid-job: skipped (needs --database: worker processes share PostgreSQL; the embedded database belongs to one process)');
  } else {
    const LEASE = 10;
    for (const c of [...children]) {
      c.kill('SIGTERM');
      await new Promise((r) => c.once('exit', r));
    }
    const victim = await workerProcess(LEASE);
    const f = bigSafetensors('fault-kill', FAULT_MIB);
    const loc = await create(f.size, 'killed', 'killed.safetensors');
    const id = await uploadFile(loc, f.path, f.size);
    let killedIn;
    for (;;) {
      const [job] = await sql().query('select state, worker from jobs where artifact_id = $1', [id]);
      const steps = (await sql().query('select step from steps where artifact_id = $1 order by id', [id])).map((r) => r.step);
      const [art] = await sql().query('select state from artifacts where id = $1', [id]);
      // The pipeline has started (staging the blob, then scanning): no scan result recorded yet.
      if (job?.state === 'running' && job.worker?.startsWith(`w-${victim.pid}-`) && art.state === 'processing') {
        if (steps.includes('scan')) throw new Error('the scan finished before the kill: use a larger --fault-size');
        victim.kill('SIGKILL');
        await new Promise((r) => victim.once('exit', r));
        killedIn = steps;
        break;
      }
      await sleep(20);
    }
    const tk = performance.now();
    const [mid] = await sql().query('select state from artifacts where id = $1', [id]);
    await workerProcess(LEASE);
    const end = await settle(id);
    const [job] = await sql().query('select state, attempts from jobs where artifact_id = $1', [id]);
    const steps = (await sql().query('select step from steps where artifact_id = $1 order by id', [id])).map((r) => r.step);
    const ok = end.state === 'published' && job.attempts === 2 && steps.join(',') === 'upload,scan,convert,rescan,sign,publish';
    console.log(
      `fault, worker killed (SIGKILL) mid-job: ${ok ? 'OK' : 'FAILED'}: killed after steps [${killedIn.join(', ')}] while the artifact was ${mid.state}; ` +
        `retried after the ${LEASE} s lease (attempt ${job.attempts}), ${end.state} ${((performance.now() - tk) / 1000).toFixed(1)} s after the kill with steps [${steps.join(', ')}]`,
    );
    if (!ok) process.exitCode = 1;
  }

  // 4. The web process restarted mid-upload.
  {
    const f = bigSafetensors('fault-restart', FAULT_MIB);
    const loc = await create(f.size, 'resumed', 'resumed.safetensors');
    let cutAt = -1;
    try {
      await uploadFile(loc, f.path, f.size, 0, async (off) => {
        if (off >= f.size * 0.4 && cutAt < 0) {
          cutAt = off;
          // Close the server while this PATCH's body is on the way.
          setTimeout(() => void registry.close(), 20);
        }
      });
    } catch {
      // The connection was cut: expected.
    }
    if (cutAt < 0) throw new Error('the upload finished before the restart');
    const tr = performance.now();
    registry = await createRegistry(config);
    url = await registry.listen(0);
    const restartMs = performance.now() - tr;
    const head = await fetch(`${url}${loc}`, { method: 'HEAD', headers: auth });
    const offset = Number(head.headers.get('upload-offset'));
    const id = await uploadFile(loc, f.path, f.size, offset);
    const end = await settle(id);
    const digest = await sha256File(f.path);
    const ok = offset > 0 && offset < f.size && end.sha256 === digest && end.state === 'published';
    console.log(
      `fault, server restarted mid-upload: ${ok ? 'OK' : 'FAILED'}: cut during the PATCH at ${(cutAt / MiB).toFixed(0)} MiB of ${(f.size / MiB).toFixed(0)} MiB, ` +
        `restarted in ${restartMs.toFixed(0)} ms, HEAD offset ${(offset / MiB).toFixed(1)} MiB, resumed to the end: ${end.state}, digest ${end.sha256 === digest ? 'matches' : 'DIFFERS'}`,
    );
    if (!ok) process.exitCode = 1;
  }
}

for (const c of [...children]) {
  c.kill('SIGTERM');
  await new Promise((r) => c.once('exit', r));
}
await registry.close();
if (config.blobs.kind === 's3') {
  const { S3Client, ListObjectsV2Command, DeleteObjectCommand } = await import('@aws-sdk/client-s3');
  const b = config.blobs;
  const client = new S3Client({ region: b.region, endpoint: b.endpoint, forcePathStyle: true, credentials: b.credentials });
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: b.bucket, Prefix: b.prefix }));
    if ((page.Contents ?? []).length === 0) break;
    for (const x of page.Contents) await client.send(new DeleteObjectCommand({ Bucket: b.bucket, Key: x.Key }));
  }
  client.destroy();
}
await dropDatabase();
cleanup();
