/**
 * Starting a registry for a test (embedded PGlite in a temp folder, or a
 * fresh database on the PostgreSQL server `.ci/run` starts and names in
 * MODELGUARD_TEST_POSTGRES), and a small HTTP client: sign-in, tus
 * uploads, waiting for the pipeline.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createRegistry, type Registry } from '../../src/server/registry.js';
import { defaultConfig, type RegistryConfig, type S3BlobsConfig } from '../../src/server/config.js';
import { ROOT } from '../helpers.js';
import { createUser, newToken, type Role } from '../../src/server/auth/users.js';
import { startWorker, type WorkerProcess } from './worker-process.js';

export const FIXTURES = join(ROOT, 'test/fixtures/torch');
/** A torch.save state dict written by PyTorch 1.13 (benign). */
export const BENIGN = join(FIXTURES, 'clean__state-dict-zip.pt');
/** A real checkpoint whose data.pkl was given a payload before its normal content (malicious; never loaded). */
export const MALICIOUS = join(FIXTURES, 'malicious__datapkl-payload-injected.pt');
/** A torch.save checkpoint holding an instance of the user's own class (not on any allowlist: suspicious). */
export const SUSPICIOUS = join(ROOT, 'test/fixtures/integration/suspicious__own-class.pt');

export const POSTGRES = process.env['MODELGUARD_TEST_POSTGRES'];
/** `host:port` of the Redis server `.ci/run` starts. */
export const REDIS = process.env['MODELGUARD_TEST_REDIS'];
export const PASSWORD = 'correct horse battery staple';

/** `redis`: PostgreSQL for metadata, the BullMQ queue on Redis, and a worker process beside the web process. */
/** `scaled`: the `redis` configuration with blobs in S3. */
export type Backend = 'embedded' | 'postgres' | 'redis' | 'scaled';

/** `http://127.0.0.1:PORT/BUCKET`: an S3-compatible server `.ci/run` starts (s3rver) with that bucket. */
export const S3 = process.env['MODELGUARD_TEST_S3'];

/** The S3 configuration of the test server, under a fresh key prefix (several registries share the bucket). */
export function testS3(prefix = `t${String(process.pid)}-${String(Math.floor(Math.random() * 1e9))}/`): S3BlobsConfig {
  if (S3 === undefined) throw new Error('MODELGUARD_TEST_S3 is not set');
  const u = new URL(S3);
  const bucket = u.pathname.replace(/^\/|\/$/g, '');
  return {
    kind: 's3',
    bucket,
    region: 'us-east-1',
    endpoint: u.origin,
    forcePathStyle: true,
    prefix,
    // s3rver's fixed credentials unless the environment names others.
    credentials: {
      accessKeyId: process.env['AWS_ACCESS_KEY_ID'] ?? 'S3RVER',
      secretAccessKey: process.env['AWS_SECRET_ACCESS_KEY'] ?? 'S3RVER',
    },
  };
}

export interface Harness {
  registry: Registry;
  url: string;
  config: RegistryConfig;
  /** Bearer tokens per role. */
  tokens: Record<Role, string>;
  /** Stops the registry (keeps the data: `restart` reopens it). */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops and deletes everything. */
  destroy(): Promise<void>;
  /** Worker processes started for this registry (the `redis` backend starts one). */
  workers: WorkerProcess[];
}

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (POSTGRES === undefined) throw new Error('MODELGUARD_TEST_POSTGRES is not set');
  const name = `reg_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  const admin = new pg.Client({ connectionString: POSTGRES });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(POSTGRES);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export async function startRegistry(
  backend: Backend,
  tweak: (c: RegistryConfig) => void = () => undefined,
  /** Worker processes to start beside the web process (`redis` backend; default 1). */
  childWorkers = 1,
): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-registry-'));
  const config = defaultConfig(dataDir);
  let drop = async (): Promise<void> => Promise.resolve();
  if (backend === 'scaled') config.blobs = testS3();
  if (backend === 'postgres' || backend === 'redis' || backend === 'scaled') {
    const db = await freshDatabase();
    config.database = { kind: 'postgres', url: db.url };
    drop = db.drop;
  }
  if (backend === 'redis' || backend === 'scaled') {
    if (REDIS === undefined) throw new Error('MODELGUARD_TEST_REDIS is not set');
    // One Redis serves every test process: each registry gets its own key prefix.
    config.queue = { kind: 'redis', url: `redis://${REDIS}`, prefix: `mgtest-${process.pid}-${Math.floor(Math.random() * 1e9)}` };
    config.workers = 0; // the web process only serves; the workers are other processes
  }
  tweak(config);
  let registry = await createRegistry(config);
  let url = await registry.listen(0);
  const workers: WorkerProcess[] = [];
  for (let i = 0; i < (backend === 'redis' || backend === 'scaled' ? childWorkers : 0); i++) workers.push(await startWorker(config));
  const tokens = {} as Record<Role, string>;
  for (const role of ['uploader', 'reviewer', 'admin'] as const) {
    const user = await createUser(registry.app.sql, `${role}1`, PASSWORD, role);
    tokens[role] = await newToken(registry.app.sql, user, 'test');
  }
  const h: Harness = {
    get registry() {
      return registry;
    },
    get url() {
      return url;
    },
    config,
    tokens,
    workers,
    stop: async () => registry.close(),
    restart: async () => {
      registry = await createRegistry(config);
      url = await registry.listen(0);
    },
    destroy: async () => {
      await Promise.all(workers.map(async (w) => w.stop()));
      await registry.close().catch(() => undefined);
      await drop();
      if (config.blobs.kind === 's3') await emptyPrefix(config.blobs);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

/** Deletes every object under the configuration's prefix (the test server's bucket is shared by the tests). */
export async function emptyPrefix(c: S3BlobsConfig): Promise<void> {
  const { S3Client, ListObjectsV2Command, DeleteObjectCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    region: c.region,
    forcePathStyle: c.forcePathStyle,
    ...(c.endpoint === undefined ? {} : { endpoint: c.endpoint }),
    ...(c.credentials === undefined ? {} : { credentials: c.credentials }),
  });
  try {
    for (;;) {
      const page = await client.send(new ListObjectsV2Command({ Bucket: c.bucket, Prefix: c.prefix }));
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [o.Key]));
      if (keys.length === 0) break;
      for (const Key of keys) await client.send(new DeleteObjectCommand({ Bucket: c.bucket, Key }));
    }
  } finally {
    client.destroy();
  }
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export const TUS = { 'tus-resumable': '1.0.0' };

export function metadata(m: Record<string, string>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');
}

export async function createUpload(url: string, token: string, size: number, m: Record<string, string>): Promise<Response> {
  return fetch(`${url}/api/uploads`, { method: 'POST', headers: { ...TUS, ...bearer(token), 'upload-length': String(size), 'upload-metadata': metadata(m) } });
}

export async function patch(url: string, location: string, token: string, offset: number, body: Uint8Array): Promise<Response> {
  return fetch(`${url}${location}`, {
    method: 'PATCH',
    headers: { ...TUS, ...bearer(token), 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
    body,
  });
}

/** Uploads a file in chunks; returns the artifact id. */
export async function upload(url: string, token: string, file: string, org: string, model: string, chunk = 1000): Promise<number> {
  const data = readFileSync(file);
  const created = await createUpload(url, token, data.length, { org, model, filename: file.slice(file.lastIndexOf('/') + 1) });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
  const location = created.headers.get('location') ?? '';
  let artifact: string | null = null;
  for (let off = 0; off < data.length; off += chunk) {
    const res = await patch(url, location, token, off, data.subarray(off, Math.min(data.length, off + chunk)));
    if (res.status !== 204) throw new Error(`patch: ${res.status} ${await res.text()}`);
    artifact = res.headers.get('upload-artifact') ?? artifact;
  }
  if (artifact === null) throw new Error('no artifact after the last chunk');
  return Number(artifact);
}

/** What `GET /api/artifacts/:id` answers. */
export interface ArtifactJson {
  id: number;
  state: string;
  verdict: string | null;
  reason: string;
  sha256: string;
  revision: string;
  override: { by: string; reason: string; rules?: string[] } | null;
  findings: { path: string; verdict: string; findings: { rule: string; severity: string; technique: string }[] }[];
  steps: { step: string; status: string; evidence: Record<string, unknown> }[];
}

export interface FileDiffJson {
  path: string;
  old: string | null;
  new: string | null;
  added: string[];
  removed: string[];
}

/** What `GET /api/rescans/:id` answers. */
export interface RescanJson {
  id: number;
  state: string;
  old: { engine: string | null; policy: string | null; verdict: string | null };
  new: { engine: string | null; policy: string | null; verdict: string | null };
  action: string | null;
  diff: FileDiffJson[] | { error: string } | null;
}

/** Polls the artifact until the pipeline leaves it (bounded: a hang fails the test instead of stalling it). */
export async function settle(url: string, token: string, id: number): Promise<ArtifactJson> {
  for (let i = 0; i < 2400; i++) {
    const res = await fetch(`${url}/api/artifacts/${id}`, { headers: bearer(token) });
    const a = (await res.json()) as ArtifactJson;
    if (a.state !== 'queued' && a.state !== 'processing') return a;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`artifact ${id} never left the pipeline`);
}
