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
}

export const DEFAULT_MAX_UPLOAD = 64 * 1024 ** 3;

export function defaultConfig(dataDir: string): RegistryConfig {
  return {
    dataDir,
    database: { kind: 'embedded' },
    queue: { kind: 'database' },
    workers: 1,
    http: true,
    maxUploadBytes: DEFAULT_MAX_UPLOAD,
    secureCookies: true,
    loginAttemptsPerMinute: 10,
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
