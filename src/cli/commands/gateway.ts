/**
 * `modelguard gateway`: the inference gateway.
 *   gateway --config gateway.yaml [--allow-public]   run until SIGINT/SIGTERM; SIGHUP reloads keys
 *   gateway check --config gateway.yaml              validate the configuration and key file
 *   gateway key new --id ID [--scopes infer,admin]   make an API key and its key-file entry
 *   gateway key rotate --id ID                       make a new secret for an existing key
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateApiKey, KEY_ID } from '../../gateway/auth/key-format.js';
import { loadKeyFile } from '../../gateway/auth/key-file.js';
import { loadConfig } from '../../gateway/config/load.js';
import { GatewayError } from '../../gateway/errors.js';
import { createGateway } from '../../gateway/gateway.js';
import { EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';

const HELP = `Usage:
  modelguard gateway --config FILE [--allow-public]
  modelguard gateway check --config FILE
  modelguard gateway key new --id ID [--scopes infer,admin] [--models M1,M2] [--expires DATE]
  modelguard gateway key rotate --id ID [--expires DATE]

Runs the inference gateway: a reverse proxy in front of model servers
(OpenAI-compatible chat/completions with streaming, KServe v2, TorchServe,
JSON routes) that authenticates, rate-limits, validates, filters, redacts
and audits every request and response. See docs/gateway.md for the
configuration file.

  -c, --config FILE    gateway configuration (YAML)
  --allow-public       allow listeners outside loopback (logged as a warning)
  --id ID              key id (letters, digits, -)
  --scopes LIST        comma-separated scopes (default infer)
  --models LIST        comma-separated model allowlist (a trailing * matches a prefix)
  --expires DATE       ISO 8601 expiry of the key (new) or of the old secret (rotate)

Signals: SIGHUP reloads the key file; SIGINT/SIGTERM stop the gateway.
Exit 0 on a clean stop or a valid check, 2 on a configuration or usage error.
`;

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' }, 'allow-public': { type: 'boolean' } }, strict: true });
  if (values.config === undefined) throw new GatewayError('E_USAGE', 'gateway needs --config FILE');
  const gw = await createGateway({
    config: resolve(io.cwd, values.config),
    allowPublic: values['allow-public'] === true,
    log: (l) => io.stderr.write(`modelguard gateway: ${l}\n`),
  });
  const scheme = gw.config.listen.tls === undefined ? 'http' : 'https';
  io.stderr.write(
    `modelguard gateway: listening on ${scheme}://${gw.address.host}:${gw.address.port}${gw.adminAddress === undefined ? '' : `, admin on ${gw.adminAddress.host}:${gw.adminAddress.port}`}\n`,
  );
  await new Promise<void>((done) => {
    const hup = (): void => void gw.reload().catch(() => undefined);
    const stop = (): void => {
      process.off('SIGHUP', hup);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGHUP', hup);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await gw.close();
  return EXIT_OK;
}

function check(argv: string[], io: CliIO): number {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } }, strict: true });
  if (values.config === undefined) throw new GatewayError('E_USAGE', 'gateway check needs --config FILE');
  const config = loadConfig(resolve(io.cwd, values.config));
  const keys = config.keys.file === undefined ? new Map() : loadKeyFile(config.keys.file);
  io.stdout.write(
    `ok: ${config.routes.length} routes, ${config.upstreams.size} upstreams, ${keys.size} keys, limits in ${config.limits.store}${config.admin === undefined ? '' : ', admin listener on'}\n`,
  );
  return EXIT_OK;
}

function key(argv: string[], io: CliIO): number {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: { id: { type: 'string' }, scopes: { type: 'string' }, models: { type: 'string' }, expires: { type: 'string' } },
    strict: true,
  });
  if (values.id === undefined || !KEY_ID.test(values.id)) throw new GatewayError('E_USAGE', '--id wants letters, digits and - (at most 64)');
  if (values.expires !== undefined && !Number.isFinite(Date.parse(values.expires))) throw new GatewayError('E_USAGE', '--expires wants an ISO 8601 date');
  const list = (s: string | undefined): string[] | undefined =>
    s
      ?.split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
  const { key: apiKey, hash } = generateApiKey(values.id);
  const expires = values.expires === undefined ? '' : `\n        expires: ${new Date(values.expires).toISOString()}`;
  io.stderr.write('# the API key is shown once; hand it to its owner and keep only the hash\n');
  io.stdout.write(`${apiKey}\n`);
  if (sub === 'new') {
    const scopes = list(values.scopes) ?? ['infer'];
    for (const s of scopes) if (s !== 'infer' && s !== 'admin') throw new GatewayError('E_USAGE', `unknown scope ${s}`);
    const models = list(values.models);
    io.stdout.write(
      `# key file entry:\n  - id: ${values.id}\n    scopes: [${scopes.join(', ')}]\n${models === undefined ? '' : `    models: [${models.map((m) => JSON.stringify(m)).join(', ')}]\n`}    secrets:\n      - hash: ${hash}\n`,
    );
    if (values.expires !== undefined) io.stdout.write(`    expires: ${new Date(values.expires).toISOString()}\n`);
    return EXIT_OK;
  }
  io.stdout.write(`# add under secrets: of key ${values.id}, and give the old secret an expires: date\n      - hash: ${hash}${expires}\n`);
  return EXIT_OK;
}

export const gatewayCommand: Command = {
  name: 'gateway',
  summary: 'inference gateway: authenticate, limit, validate, redact and audit requests to model servers',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'check':
        return check(rest, io);
      case 'key':
        if (rest[0] !== 'new' && rest[0] !== 'rotate') {
          io.stderr.write(HELP);
          return EXIT_USAGE;
        }
        return key(rest, io);
      default:
        return run(argv, io);
    }
  },
};
