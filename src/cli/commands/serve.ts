/**
 * `modelguard serve`: the model registry (API + web UI). Embedded by
 * default (a data folder, nothing to install); `--database postgres://…`
 * shares metadata and the job queue with other processes.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { handleSignalsHere } from '../../files/temp.js';
import { EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';

const HELP = `Usage: modelguard serve [options]

Runs the model registry: every upload is held in quarantine, scanned,
converted to safetensors when its format can carry code, signed (OpenSSF
Model Signing bundle + scan attestation with the registry's key) and only
then published. Open the printed address in a browser. The first start
creates the user 'admin' and prints its password once (also in
DATA/initial-admin-password).

Options:
  --data <dir>          data folder: blobs, uploads, embedded database, key (default ./modelguard-data)
  --port <n>            port (default 8080; 0 picks a free one)
  --host <addr>         address to listen on (default 127.0.0.1)
  --database <url>      postgres://user@host:port/db instead of the embedded database
                        (or MODELGUARD_DATABASE_URL)
  --redis <url>         redis://host:port[/db]: the job queue on Redis with BullMQ instead of
                        the database (or MODELGUARD_REDIS_URL; needs --database)
  --redis-prefix <name> BullMQ key prefix, to share one Redis between registries (default modelguard)
  --workers <n>         pipeline workers in this process (default 1)
  --lease-seconds <n>   how long a dead worker's job stays claimed before another worker runs it
                        (default 900 on the database queue; 60 on Redis, where live workers renew it)
  --worker-only         run workers without HTTP (with --database, beside a web process;
                        --data must be the web process's folder: blobs and key)
  --max-upload <bytes>  largest upload (default 64 GiB)
  --shutdown-timeout <s> on SIGTERM/SIGINT, how long requests in flight and running jobs may finish;
                        then requests are answered 503 with Retry-After and jobs are cancelled and
                        queued again for the next start (default 30)
  --gc-upload-age <s>   an upload neither completed nor written for this long is abandoned and its
                        parts deleted (default 86400)
  --gc-grace <s>        a blob nothing refers to is deleted only this long after it was first found
                        so (default 3600)
  --gc-interval <s>     processes with workers collect garbage this often (default 3600; 0: only on
                        POST /api/admin/gc)
  --keep-revisions <n>  retention: keep the n newest revisions of each model and let garbage collection
                        drop older ones and free their blobs (never the newest, the one served as main,
                        a pinned one, or one with a job running; default 0: keep every revision)
  --retention-dry-run   collections only plan the retention (answered by POST /api/admin/gc) and drop
                        nothing; POST /api/admin/gc?dry-run=1[&keep-revisions=n] plans on demand
  --insecure-cookies    do not mark the session cookie Secure (plain http on a non-local name)
  --no-examples         do not upload the example models into a new registry
  -h, --help            this help

Blobs go to DATA/blobs, or to an S3-compatible bucket when MODELGUARD_S3_BUCKET
is set (with MODELGUARD_S3_ENDPOINT, MODELGUARD_S3_REGION, MODELGUARD_S3_PREFIX,
MODELGUARD_S3_FORCE_PATH_STYLE; credentials from AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY or the AWS SDK's other sources). An upload in progress
is kept in the database and the blob store, so any web process resumes it;
DATA/uploads only holds a PATCH body while it is being stored.

Downloads: /{org}/{model}/resolve/{rev}/{file} (rev: main or a revision),
with model.sig and modelguard-scan.sig beside the weights; check them with
modelguard verify key DIR --public-key registry.pub --require-clean-scan
(the key is at /api/registry-key.pem).
`;

function count(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d{1,15}$/.test(v)) throw new Error(`--${name} takes a non-negative integer`);
  return Number(v);
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'model registry with a web UI: quarantine, scan, convert, sign and publish uploads',
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    let v;
    try {
      v = parseArgs({
        args: argv,
        options: {
          data: { type: 'string', default: 'modelguard-data' },
          port: { type: 'string' },
          host: { type: 'string', default: '127.0.0.1' },
          database: { type: 'string' },
          redis: { type: 'string' },
          'redis-prefix': { type: 'string' },
          workers: { type: 'string' },
          'worker-only': { type: 'boolean', default: false },
          'lease-seconds': { type: 'string' },
          'max-upload': { type: 'string' },
          'shutdown-timeout': { type: 'string' },
          'gc-upload-age': { type: 'string' },
          'gc-grace': { type: 'string' },
          'gc-interval': { type: 'string' },
          'keep-revisions': { type: 'string' },
          'retention-dry-run': { type: 'boolean', default: false },
          'insecure-cookies': { type: 'boolean', default: false },
          'no-examples': { type: 'boolean', default: false },
          help: { type: 'boolean', short: 'h', default: false },
        },
      }).values;
    } catch (e) {
      io.stderr.write(`modelguard serve: ${(e as Error).message}\n\n${HELP}`);
      return EXIT_USAGE;
    }
    if (v.help) {
      io.stdout.write(HELP);
      return EXIT_OK;
    }
    const { createRegistry, defaultConfig, databaseFrom, blobsFrom, queueFrom, RegistryError, ensureAdmin, examplesDir, seedExamples } =
      await import('../../server/index.js');
    let port: number;
    const config = defaultConfig(resolve(io.cwd, v.data));
    try {
      port = count(v.port, 'port', 8080);
      config.workers = count(v.workers, 'workers', 1);
      if (v['lease-seconds'] !== undefined) config.leaseSeconds = Math.max(1, count(v['lease-seconds'], 'lease-seconds', 0));
      config.maxUploadBytes = count(v['max-upload'], 'max-upload', config.maxUploadBytes);
      config.shutdownTimeoutMs = count(v['shutdown-timeout'], 'shutdown-timeout', config.shutdownTimeoutMs / 1000) * 1000;
      config.gc.uploadMaxAgeSeconds = count(v['gc-upload-age'], 'gc-upload-age', config.gc.uploadMaxAgeSeconds);
      config.gc.graceSeconds = count(v['gc-grace'], 'gc-grace', config.gc.graceSeconds);
      config.gc.intervalSeconds = count(v['gc-interval'], 'gc-interval', config.gc.intervalSeconds);
      config.gc.keepRevisions = count(v['keep-revisions'], 'keep-revisions', config.gc.keepRevisions);
      config.gc.retentionDryRun = v['retention-dry-run'];
      config.database = databaseFrom(v.database ?? io.env['MODELGUARD_DATABASE_URL']);
      config.blobs = blobsFrom(io.env);
      config.queue = queueFrom(v.redis ?? io.env['MODELGUARD_REDIS_URL'], v['redis-prefix'] ?? io.env['MODELGUARD_REDIS_PREFIX']);
      // Test-only: lets the suite kill a worker process while it holds a job (docs/registry.md).
      const delay = io.env['MODELGUARD_TEST_SCAN_DELAY_MS'];
      if (delay !== undefined && delay !== '') config.testScanDelayMs = count(delay, 'MODELGUARD_TEST_SCAN_DELAY_MS', 0);
    } catch (e) {
      io.stderr.write(`modelguard serve: ${(e as Error).message}\n`);
      return EXIT_USAGE;
    }
    config.http = !v['worker-only'];
    config.secureCookies = !v['insecure-cookies'];
    if (config.workers === 0 && !config.http) {
      io.stderr.write('modelguard serve: --worker-only needs at least one worker\n');
      return EXIT_USAGE;
    }
    if (!config.http && config.database.kind === 'embedded') {
      io.stderr.write('modelguard serve: --worker-only needs --database (the embedded database belongs to one process)\n');
      return EXIT_USAGE;
    }
    if (config.queue.kind === 'redis' && config.database.kind === 'embedded') {
      io.stderr.write('modelguard serve: --redis needs --database (workers in other processes share the metadata)\n');
      return EXIT_USAGE;
    }
    let registry;
    try {
      registry = await createRegistry(config);
    } catch (e) {
      if (!(e instanceof RegistryError) || e.code !== 'E_CONFIG') throw e;
      io.stderr.write(`modelguard serve: ${e.message}\n`);
      return EXIT_USAGE;
    }
    if (!config.http) {
      io.stdout.write(`modelguard registry worker (${config.workers} workers, pid ${process.pid}) on ${config.database.kind}, ${config.queue.kind} queue\n`);
      return waitAndClose(registry);
    }
    const password = await ensureAdmin(registry.app.sql, config.dataDir);
    if (password !== undefined) io.stdout.write(`created user admin with password ${password} (also in ${config.dataDir}/initial-admin-password)\n`);
    const examples = examplesDir();
    if (!v['no-examples'] && examples !== undefined) {
      const n = await seedExamples(registry.app.sql, registry.app.blobs, examples);
      if (n > 0) io.stdout.write(`queued ${n} example models for scanning (organisation 'examples')\n`);
    }
    const url = await registry.listen(port, v.host);
    const where = config.blobs.kind === 's3' ? `, blobs in s3://${config.blobs.bucket}/${config.blobs.prefix}` : '';
    io.stdout.write(`modelguard registry at ${url}/ (data in ${config.dataDir}, ${config.database.kind} database, ${config.queue.kind} queue${where})\n`);
    return waitAndClose(registry);
  },
};

/** Runs until SIGINT or SIGTERM, then lets running jobs finish and closes. */
async function waitAndClose(registry: { close(): Promise<void> }): Promise<number> {
  // Uploads in flight hold temporary files: the graceful close finishes or discards them, so the
  // temporary-file guard must not kill the process on the same signal.
  const release = handleSignalsHere(['SIGINT', 'SIGTERM']);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  try {
    await registry.close();
  } finally {
    release();
  }
  return EXIT_OK;
}
