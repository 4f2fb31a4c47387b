/**
 * `modelguard serve`: the model registry (API + web UI). Embedded by
 * default (a data folder, nothing to install); `--database postgres://…`
 * shares metadata and the job queue with other processes.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
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
  --workers <n>         pipeline workers in this process (default 1)
  --worker-only         run workers without HTTP (with --database, beside a web process)
  --max-upload <bytes>  largest upload (default 64 GiB)
  --insecure-cookies    do not mark the session cookie Secure (plain http on a non-local name)
  --no-examples         do not upload the example models into a new registry
  -h, --help            this help

Blobs go to DATA/blobs, or to an S3-compatible bucket when MODELGUARD_S3_BUCKET
is set (with MODELGUARD_S3_ENDPOINT, MODELGUARD_S3_REGION, MODELGUARD_S3_PREFIX,
MODELGUARD_S3_FORCE_PATH_STYLE; credentials from AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY or the AWS SDK's other sources). Uploads in progress
stay in DATA/uploads.

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
          workers: { type: 'string' },
          'worker-only': { type: 'boolean', default: false },
          'max-upload': { type: 'string' },
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
    const { createRegistry, defaultConfig, databaseFrom, blobsFrom, ensureAdmin, examplesDir, seedExamples } = await import('../../server/index.js');
    let port: number;
    const config = defaultConfig(resolve(io.cwd, v.data));
    try {
      port = count(v.port, 'port', 8080);
      config.workers = count(v.workers, 'workers', 1);
      config.maxUploadBytes = count(v['max-upload'], 'max-upload', config.maxUploadBytes);
      config.database = databaseFrom(v.database ?? io.env['MODELGUARD_DATABASE_URL']);
      config.blobs = blobsFrom(io.env);
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
    const registry = await createRegistry(config);
    const password = await ensureAdmin(registry.app.sql, config.dataDir);
    if (password !== undefined) io.stdout.write(`created user admin with password ${password} (also in ${config.dataDir}/initial-admin-password)\n`);
    const examples = examplesDir();
    if (!v['no-examples'] && examples !== undefined) {
      const n = await seedExamples(registry.app.sql, registry.app.blobs, examples);
      if (n > 0) io.stdout.write(`queued ${n} example models for scanning (organisation 'examples')\n`);
    }
    if (config.http) {
      const url = await registry.listen(port, v.host);
      const where = config.blobs.kind === 's3' ? `, blobs in s3://${config.blobs.bucket}/${config.blobs.prefix}` : '';
      io.stdout.write(`modelguard registry at ${url}/ (data in ${config.dataDir}, ${config.database.kind} database${where})\n`);
    } else {
      io.stdout.write(`modelguard registry worker (${config.workers} workers) on ${config.database.kind}\n`);
    }
    await new Promise<void>((done) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        done();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await registry.close();
    return EXIT_OK;
  },
};
