/**
 * A registry worker as a separate process: `modelguard serve --worker-only`
 * from the built CLI, on the same database, Redis queue and data folder as
 * the registry under test. Started the way an operator starts one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { RegistryConfig } from '../../src/server/config.js';
import { ROOT } from '../helpers.js';

export interface WorkerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** SIGTERM (running jobs finish) and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash: nothing is cleaned up. */
  kill(): Promise<void>;
}

export async function startWorker(config: RegistryConfig, opts: { workers?: number; env?: Record<string, string> } = {}): Promise<WorkerProcess> {
  if (config.database.kind !== 'postgres' || config.queue.kind !== 'redis') throw new Error('worker processes need PostgreSQL and Redis');
  const args = [join(ROOT, 'build/src/cli/main.js'), 'serve', '--worker-only', '--data', config.dataDir, '--database', config.database.url];
  args.push('--redis', config.queue.url, '--workers', String(opts.workers ?? 2));
  if (config.queue.prefix !== undefined) args.push('--redis-prefix', config.queue.prefix);
  if (config.leaseSeconds !== undefined) args.push('--lease-seconds', String(config.leaseSeconds));
  // Blobs in S3: the worker reads them from the environment, as `modelguard serve` does.
  const b = config.blobs;
  const s3: Record<string, string> =
    b.kind === 's3'
      ? {
          MODELGUARD_S3_BUCKET: b.bucket,
          MODELGUARD_S3_REGION: b.region,
          MODELGUARD_S3_ENDPOINT: b.endpoint ?? '',
          MODELGUARD_S3_FORCE_PATH_STYLE: b.forcePathStyle ? '1' : '0',
          MODELGUARD_S3_PREFIX: b.prefix,
          ...(b.credentials === undefined ? {} : { AWS_ACCESS_KEY_ID: b.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: b.credentials.secretAccessKey }),
        }
      : {};
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...s3, ...opts.env } });
  let out = '';
  let err = '';
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('modelguard registry worker')) resolve();
    });
    child.once('exit', (code) => {
      reject(new Error(`the worker exited (${String(code)}) before it was ready: ${err}`));
    });
  });
  const pid = child.pid ?? 0;
  return {
    pid,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
