/**
 * How a registry is put together. The embedded default needs nothing but a
 * folder; `database.kind = 'postgres'` puts metadata and the job queue in a
 * PostgreSQL server so several processes (web and workers) share them.
 */
import { RegistryError } from './errors.js';

export interface RegistryConfig {
  /** Blobs, uploads in progress, the embedded database and the signing key live here. */
  dataDir: string;
  database: { kind: 'embedded' } | { kind: 'postgres'; url: string };
  /** Where jobs wait for workers: the database (default) or Redis with BullMQ (workers in other processes; needs PostgreSQL). */
  queue: { kind: 'database' } | { kind: 'redis'; url: string; prefix?: string };
  /** Where blobs live: the data folder, or an S3-compatible bucket (with the parts of uploads in progress: any web process can resume them). */
  blobs: { kind: 'local' } | S3BlobsConfig;
  /** Pipeline workers in this process (0: this process only serves HTTP). */
  workers: number;
  /** Serve HTTP (false: a worker-only process). */
  http: boolean;
  /** Largest upload, bytes (CWE-400). */
  maxUploadBytes: number;
  /** Mark the session cookie Secure (browsers accept it on https and on http://localhost / 127.0.0.1). */
  secureCookies: boolean;
  /** Sign-in attempts per client per minute (CWE-307). */
  loginAttemptsPerMinute: number;
  /** Use this key instead of the one generated in the data folder. */
  signingKey?: { privateKey: string; publicKey: string };
  /** A lease shorter than the default, for tests of a worker that dies (seconds). */
  leaseSeconds?: number;
  /** Test-only (MODELGUARD_TEST_SCAN_DELAY_MS): workers wait this long before each scan, so a test can kill one mid-job. */
  testScanDelayMs?: number;
  /** How long `close()` lets requests in flight finish before it answers them 503 with Retry-After (milliseconds). */
  shutdownTimeoutMs: number;
  /** Garbage collection: retention, abandoned uploads and orphaned parts, unreferenced blobs (store/gc.ts). */
  gc: GcConfig;
  /** Test-only: awaited before each pipeline's scan and each rescan (PipelineDeps.testHold). Never set in service. */
  testHold?: (artifactId: number) => Promise<void>;
  /** Test-only: spool upload bodies to this path (a test names /dev/full to see a full disk). */
  testSpoolPath?: string;
}

export const DEFAULT_MAX_UPLOAD = 64 * 1024 ** 3;

export interface GcConfig {
  /** An upload not completed and not written for this long is abandoned: its parts and its row are deleted (seconds). */
  uploadMaxAgeSeconds: number;
  /** A blob nothing references is deleted only after it was found unreferenced this long ago (seconds; protects blobs being stored right now). */
  graceSeconds: number;
  /** Processes that run workers collect every this many seconds (0: only on `POST /api/admin/gc`). */
  intervalSeconds: number;
  /** Deletions (uploads and blobs together) per run, at most (CWE-400: a run is bounded; the next run continues). */
  maxDeletes: number;
  /** Blobs (and upload parts) examined per run, at most; the next run continues after the last one (a cursor in the database). */
  maxScan: number;
  /** Revisions kept per model by the retention policy, newest first (store/retention.ts); 0 keeps every revision. */
  keepRevisions: number;
  /** Runs only plan the retention (answered in `plan`), dropping nothing: to see what a policy would do before it does it. */
  retentionDryRun: boolean;
}

export const DEFAULT_GC: GcConfig = {
  uploadMaxAgeSeconds: 24 * 3600,
  graceSeconds: 3600,
  intervalSeconds: 3600,
  maxDeletes: 1000,
  maxScan: 10_000,
  keepRevisions: 0,
  retentionDryRun: false,
};
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

export function defaultConfig(dataDir: string): RegistryConfig {
  return {
    dataDir,
    database: { kind: 'embedded' },
    queue: { kind: 'database' },
    blobs: { kind: 'local' },
    workers: 1,
    http: true,
    maxUploadBytes: DEFAULT_MAX_UPLOAD,
    secureCookies: true,
    loginAttemptsPerMinute: 10,
    shutdownTimeoutMs: DEFAULT_SHUTDOWN_TIMEOUT_MS,
    gc: { ...DEFAULT_GC },
  };
}

/** `MODELGUARD_DATABASE_URL=postgres://…` selects PostgreSQL. */
export function databaseFrom(url: string | undefined): RegistryConfig['database'] {
  if (url === undefined || url === '') return { kind: 'embedded' };
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new RegistryError('E_CONFIG', 'the database URL must start with postgres:// (or leave it unset for the embedded database)');
  return { kind: 'postgres', url };
}

/** `MODELGUARD_REDIS_URL=redis://host:port[/db]` selects the Redis (BullMQ) queue. */
export function queueFrom(url: string | undefined, prefix: string | undefined): RegistryConfig['queue'] {
  if (url === undefined || url === '') return { kind: 'database' };
  if (!/^rediss?:\/\//.test(url))
    throw new RegistryError('E_CONFIG', 'the Redis URL must start with redis:// or rediss:// (or leave it unset for the database queue)');
  if (prefix !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(prefix))
    throw new RegistryError('E_CONFIG', 'the queue prefix is 1-64 of A-Z a-z 0-9 . _ -');
  return prefix === undefined ? { kind: 'redis', url } : { kind: 'redis', url, prefix };
}

/** An S3-compatible bucket for blobs. */
export interface S3BlobsConfig {
  kind: 's3';
  bucket: string;
  region: string;
  /** `http(s)://host:port` of a non-AWS server (MinIO, Ceph RGW, s3rver); unset for AWS. */
  endpoint?: string;
  /** Address the bucket as `endpoint/bucket` instead of `bucket.endpoint` (most non-AWS servers want this). */
  forcePathStyle: boolean;
  /** Key prefix ('' or ending in '/'): several registries can share a bucket. */
  prefix: string;
  /** Files above this many bytes go in a multipart upload (default 64 MiB; S3 checks the SHA-256 of single PUTs itself). */
  multipartAbove?: number;
  /** Unset: the AWS SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE, an instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * `MODELGUARD_S3_BUCKET` selects S3 for blobs; `MODELGUARD_S3_ENDPOINT`,
 * `MODELGUARD_S3_REGION` (else AWS_REGION, else us-east-1),
 * `MODELGUARD_S3_FORCE_PATH_STYLE` (1/0; default 1 with an endpoint) and
 * `MODELGUARD_S3_PREFIX` refine it. Credentials: the AWS SDK's own variables.
 */
export function blobsFrom(env: Readonly<Record<string, string | undefined>>): RegistryConfig['blobs'] {
  const bucket = env['MODELGUARD_S3_BUCKET'];
  if (bucket === undefined || bucket === '') return { kind: 'local' };
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    throw new RegistryError('E_CONFIG', `MODELGUARD_S3_BUCKET: ${JSON.stringify(bucket)} is not an S3 bucket name`);
  const endpoint = env['MODELGUARD_S3_ENDPOINT'] === '' ? undefined : env['MODELGUARD_S3_ENDPOINT'];
  if (endpoint !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(endpoint))
    throw new RegistryError('E_CONFIG', 'MODELGUARD_S3_ENDPOINT must be http(s)://host[:port]');
  const pathStyle = env['MODELGUARD_S3_FORCE_PATH_STYLE'];
  if (pathStyle !== undefined && pathStyle !== '' && !/^[01]$/.test(pathStyle)) throw new RegistryError('E_CONFIG', 'MODELGUARD_S3_FORCE_PATH_STYLE is 1 or 0');
  let prefix = env['MODELGUARD_S3_PREFIX'] ?? '';
  if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
  if (prefix.startsWith('/') || prefix.includes('//') || prefix.length > 512)
    throw new RegistryError('E_CONFIG', 'MODELGUARD_S3_PREFIX is a relative key prefix');
  return {
    kind: 's3',
    bucket,
    region: env['MODELGUARD_S3_REGION'] ?? env['AWS_REGION'] ?? 'us-east-1',
    ...(endpoint === undefined ? {} : { endpoint }),
    forcePathStyle: pathStyle === undefined || pathStyle === '' ? endpoint !== undefined : pathStyle === '1',
    prefix,
  };
}
