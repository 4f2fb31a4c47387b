/**
 * `modelguard tunnel serve|connect|run`: the mTLS tunnel for distributed
 * training traffic (TCPStore / c10d rendezvous). See docs/distributed.md.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ClusterError } from '../../cluster/errors.js';
import { parseEndpoint } from '../../tunnel/address.js';
import { connectTunnel } from '../../tunnel/connect.js';
import { clusterCredentialFiles, Credentials, type CredentialFiles } from '../../tunnel/credentials.js';
import { DEFAULT_GATE_LIMITS, type GateLimits } from '../../tunnel/gate.js';
import { createLog, type TunnelLog } from '../../tunnel/log.js';
import { runCommand } from '../../tunnel/run.js';
import { DEFAULT_HANDSHAKE_MS, serveTunnel, type RunningTunnel } from '../../tunnel/serve.js';
import { EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';

const HELP = `Usage:
  modelguard tunnel serve   --listen ADDR:PORT [--to 127.0.0.1:29500] CREDENTIALS [LIMITS]
  modelguard tunnel connect --to HOST:PORT [--listen 127.0.0.1:29500] CREDENTIALS [LIMITS]
  modelguard tunnel run (--serve ADDR:PORT | --connect HOST:PORT) [--store-port 29500] CREDENTIALS -- COMMAND...

Carries PyTorch TCPStore / c10d rendezvous traffic (or any TCP service)
between cluster nodes over TLS 1.3 with client certificates from the
cluster CA ('modelguard cluster'). Transport only: the training protocol
is never parsed. Logs are JSON lines on stderr.

  serve     accept TLS from nodes on ADDR:PORT, relay verified peers to --to
  connect   listen on loopback, carry each connection over TLS to HOST:PORT
  run       start one end and COMMAND (torchrun gets --master_addr=127.0.0.1
            --master_port=STORE_PORT unless it sets its own); stops with it

Credentials:
  --cluster DIR --node NAME   use DIR/ca.crt, DIR/nodes/NAME.{crt,key}, DIR/revoked
  --ca FILE --cert FILE --key FILE [--revoked FILE]   explicit files
  --allow FILE                accept only these SHA-256 certificate fingerprints
  --server-name NAME          (connect) name expected in the server certificate
Limits:
  --max-connections N   open connections in total (default ${DEFAULT_GATE_LIMITS.maxConnections})
  --max-per-peer N      open connections per address (default ${DEFAULT_GATE_LIMITS.maxPerPeer})
  --rate N              new connections per second per address (default ${DEFAULT_GATE_LIMITS.ratePerSecond})
  --burst N             burst of new connections per address (default ${DEFAULT_GATE_LIMITS.burst})
  --handshake-timeout S seconds to finish the TLS handshake (default ${DEFAULT_HANDSHAKE_MS / 1000})
  --idle-timeout S      close relayed connections idle this long (default 0: never;
                        TCPStore clients stay idle through training)
  --allow-public-listen (connect) let the plaintext side listen beyond loopback

Signals: SIGINT/SIGTERM stop the tunnel. Exit 2 on a usage or credential error.
`;

const OPTIONS = {
  listen: { type: 'string' },
  to: { type: 'string' },
  serve: { type: 'string' },
  connect: { type: 'string' },
  'store-port': { type: 'string' },
  cluster: { type: 'string' },
  node: { type: 'string' },
  ca: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  revoked: { type: 'string' },
  allow: { type: 'string' },
  'server-name': { type: 'string' },
  'max-connections': { type: 'string' },
  'max-per-peer': { type: 'string' },
  rate: { type: 'string' },
  burst: { type: 'string' },
  'handshake-timeout': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'allow-public-listen': { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true; allowPositionals: true }>>['values'];

function num(v: string | undefined, dflt: number, what: string, min: number, max: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || n < min || n > max) throw new ClusterError('E_USAGE', `--${what} must be a number from ${min} to ${max}`);
  return n;
}

function credentials(v: Values, cwd: string): CredentialFiles {
  let files: CredentialFiles;
  if (v.cluster !== undefined) {
    if (v.node === undefined) throw new ClusterError('E_USAGE', '--cluster needs --node NAME');
    files = clusterCredentialFiles(resolve(cwd, v.cluster), v.node);
  } else {
    if (v.ca === undefined || v.cert === undefined || v.key === undefined)
      throw new ClusterError('E_USAGE', 'give --cluster DIR --node NAME, or --ca, --cert and --key');
    files = { ca: resolve(cwd, v.ca), cert: resolve(cwd, v.cert), key: resolve(cwd, v.key) };
  }
  if (v.revoked !== undefined) files.revoked = resolve(cwd, v.revoked);
  if (v.allow !== undefined) files.allow = resolve(cwd, v.allow);
  return files;
}

function limits(v: Values): GateLimits {
  const d = DEFAULT_GATE_LIMITS;
  return {
    maxConnections: num(v['max-connections'], d.maxConnections, 'max-connections', 1, 100_000),
    maxPerPeer: num(v['max-per-peer'], d.maxPerPeer, 'max-per-peer', 1, 100_000),
    ratePerSecond: num(v.rate, d.ratePerSecond, 'rate', 0.01, 100_000),
    burst: num(v.burst, d.burst, 'burst', 1, 100_000),
  };
}

function common(v: Values, io: CliIO, log: TunnelLog) {
  return {
    credentials: new Credentials(credentials(v, io.cwd)),
    limits: limits(v),
    handshakeMs: num(v['handshake-timeout'], DEFAULT_HANDSHAKE_MS / 1000, 'handshake-timeout', 0.1, 600) * 1000,
    idleMs: num(v['idle-timeout'], 0, 'idle-timeout', 0, 7 * 86_400) * 1000,
    log,
  };
}

function untilSignal(): Promise<void> {
  return new Promise((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

async function start(sub: 'serve' | 'connect', v: Values, io: CliIO, log: TunnelLog): Promise<RunningTunnel> {
  if (sub === 'serve') {
    if (v.listen === undefined) throw new ClusterError('E_USAGE', 'tunnel serve needs --listen ADDR:PORT');
    return serveTunnel({ listen: parseEndpoint(v.listen, '--listen'), to: parseEndpoint(v.to ?? '127.0.0.1:29500', '--to'), ...common(v, io, log) });
  }
  if (v.to === undefined) throw new ClusterError('E_USAGE', 'tunnel connect needs --to HOST:PORT');
  return connectTunnel({
    listen: parseEndpoint(v.listen ?? '127.0.0.1:29500', '--listen'),
    to: parseEndpoint(v.to, '--to'),
    ...common(v, io, log),
    allowPublicListen: v['allow-public-listen'] === true,
    ...(v['server-name'] === undefined ? {} : { serverName: v['server-name'] }),
  });
}

export const tunnelCommand: Command = {
  name: 'tunnel',
  summary: 'mTLS tunnel for distributed training traffic (TCPStore, c10d rendezvous): serve, connect, run',
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    const [sub, ...rest] = argv;
    if (sub !== 'serve' && sub !== 'connect' && sub !== 'run') {
      io.stderr.write(sub === undefined ? HELP : `modelguard tunnel: unknown subcommand '${sub}'\n\n${HELP}`);
      return EXIT_USAGE;
    }
    const dash = rest.indexOf('--');
    const own = dash === -1 ? rest : rest.slice(0, dash);
    const command = dash === -1 ? [] : rest.slice(dash + 1);
    const { values, positionals } = parseArgs({ args: own, options: OPTIONS, strict: true, allowPositionals: true });
    if (positionals.length > 0) throw new ClusterError('E_USAGE', `unexpected argument ${positionals[0] ?? ''}`);
    const log = createLog((l) => io.stderr.write(`${l}\n`));
    if (sub !== 'run') {
      const t = await start(sub, values, io, log);
      await untilSignal();
      await t.close();
      log.event('stopped', {});
      return EXIT_OK;
    }
    if (command.length === 0) throw new ClusterError('E_USAGE', 'tunnel run needs a command after --');
    if ((values.serve === undefined) === (values.connect === undefined))
      throw new ClusterError('E_USAGE', 'tunnel run needs exactly one of --serve ADDR:PORT or --connect HOST:PORT');
    const storePort = num(values['store-port'], 29500, 'store-port', 1, 65535);
    const t =
      values.serve !== undefined
        ? await start('serve', { ...values, listen: values.serve, to: `127.0.0.1:${storePort}` }, io, log)
        : await start('connect', { ...values, to: values.connect ?? '', listen: `127.0.0.1:${storePort}` }, io, log);
    try {
      return await runCommand({ argv: command, storePort, env: io.env, cwd: io.cwd });
    } finally {
      await t.close();
      log.event('stopped', {});
    }
  },
};
