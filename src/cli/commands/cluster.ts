/**
 * `modelguard cluster init|issue|revoke|show`: the cluster CA and node
 * certificates the tunnel uses. Keys are written 0600 and never printed.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_CA_DAYS,
  DEFAULT_NODE_DAYS,
  initCluster,
  issueNode,
  parseCertificates,
  readFingerprints,
  revoke,
  clusterPaths,
} from '../../cluster/cluster.js';
import { ClusterError } from '../../cluster/errors.js';
import type { NodeUsage } from '../../cluster/x509.js';
import { EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';

const HELP = `Usage:
  modelguard cluster init  [--dir DIR] [--name NAME] [--days N] [--rotate]
  modelguard cluster issue NODE [--dir DIR] [--san NAME|IP ...] [--days N] [--usage server,client] [--revoke-previous]
  modelguard cluster revoke NODE|FINGERPRINT [--dir DIR]
  modelguard cluster show [--dir DIR]

A cluster CA and per-node certificates for 'modelguard tunnel': EC P-256,
ECDSA-SHA256, short lifetimes (CA ${DEFAULT_CA_DAYS} days, nodes ${DEFAULT_NODE_DAYS} days by default), every
file written 0600 in a 0700 folder (default ./cluster).

  init      make the CA; --rotate makes a new one and keeps the old CA
            certificate trusted until it expires (then re-issue every node)
  issue     make (or rotate) NODE's key and certificate; --san adds DNS names
            and IP addresses the node is reached at (repeatable, or comma-separated);
            --revoke-previous puts the replaced certificate on the revoked list
  revoke    add a node's current certificate (or a SHA-256 fingerprint) to DIR/revoked;
            running tunnels pick the change up within a second
  show      list the CA, nodes, expiry dates, fingerprints and revocations

Copy DIR/ca.crt, DIR/revoked and DIR/nodes/NODE.{crt,key} to each node; the CA key stays on the
machine that issues.
`;

function days(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,4}$/.test(v)) throw new ClusterError('E_USAGE', '--days must be a whole number');
  return Number(v);
}

function usages(v: string | undefined): NodeUsage[] | undefined {
  if (v === undefined) return undefined;
  const out = v.split(',').map((u) => u.trim());
  for (const u of out) if (u !== 'server' && u !== 'client') throw new ClusterError('E_USAGE', '--usage is a list of server and client');
  return out as NodeUsage[];
}

function show(dir: string): string {
  const p = clusterPaths(dir);
  if (!existsSync(p.caCert)) throw new ClusterError('E_NO_CLUSTER', `${dir} has no cluster CA; run 'modelguard cluster init' first`);
  const revoked = existsSync(p.revoked) ? readFingerprints(p.revoked) : new Set<string>();
  const line = (what: string, c: X509Certificate): string =>
    `${what.padEnd(12)} ${c.fingerprint256}  until ${new Date(c.validTo).toISOString()}${revoked.has(c.fingerprint256) ? '  REVOKED' : ''}${c.subjectAltName === undefined ? '' : `  ${c.subjectAltName}`}`;
  const lines = parseCertificates(readFileSync(p.caCert, 'utf8')).map((c, i) => line(i === 0 ? 'ca' : 'ca (old)', c));
  const nodesDir = join(dir, 'nodes');
  if (existsSync(nodesDir)) {
    for (const f of readdirSync(nodesDir)
      .filter((n) => n.endsWith('.crt'))
      .sort()) {
      const [c] = parseCertificates(readFileSync(join(nodesDir, f), 'utf8'));
      if (c !== undefined) lines.push(line(f.slice(0, -4), c));
    }
  }
  lines.push(`${revoked.size} revoked fingerprint${revoked.size === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}

export const clusterCommand: Command = {
  name: 'cluster',
  summary: 'cluster CA and per-node certificates for the training tunnel: init, issue, revoke, show',
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    const [sub, ...rest] = argv;
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        dir: { type: 'string' },
        name: { type: 'string' },
        days: { type: 'string' },
        rotate: { type: 'boolean' },
        san: { type: 'string', multiple: true },
        usage: { type: 'string' },
        'revoke-previous': { type: 'boolean' },
      },
    });
    const dir = resolve(io.cwd, values.dir ?? 'cluster');
    const d = days(values.days);
    switch (sub) {
      case 'init': {
        const r = await initCluster({ dir, name: values.name ?? 'modelguard', rotate: values.rotate === true, ...(d === undefined ? {} : { days: d }) });
        io.stdout.write(
          `cluster CA in ${dir}\n  fingerprint ${r.fingerprint}\n  valid until ${r.notAfter}\n  ${r.trusted} trusted CA certificate${r.trusted === 1 ? '' : 's'} in ca.crt\n`,
        );
        return EXIT_OK;
      }
      case 'issue': {
        const [node] = positionals;
        if (node === undefined || positionals.length !== 1) throw new ClusterError('E_USAGE', 'cluster issue needs one NODE name');
        const u = usages(values.usage);
        const r = await issueNode({
          dir,
          node,
          names: (values.san ?? [])
            .flatMap((s) => s.split(','))
            .map((s) => s.trim())
            .filter((s) => s !== ''),
          revokePrevious: values['revoke-previous'] === true,
          ...(d === undefined ? {} : { days: d }),
          ...(u === undefined ? {} : { usages: u }),
        });
        io.stdout.write(
          `node ${r.node}: ${clusterPaths(dir).nodeCert(node)} (key beside it, 0600)\n  fingerprint ${r.fingerprint}\n  valid until ${r.notAfter}\n  names ${r.names.join(', ')}\n${r.revokedPrevious === undefined ? '' : `  revoked previous ${r.revokedPrevious}\n`}`,
        );
        return EXIT_OK;
      }
      case 'revoke': {
        const [what] = positionals;
        if (what === undefined || positionals.length !== 1) throw new ClusterError('E_USAGE', 'cluster revoke needs one NODE or FINGERPRINT');
        io.stdout.write(`revoked ${await revoke(dir, what)}\n`);
        return EXIT_OK;
      }
      case 'show':
        io.stdout.write(show(dir));
        return EXIT_OK;
      default:
        io.stderr.write(sub === undefined ? HELP : `modelguard cluster: unknown subcommand '${sub}'\n\n${HELP}`);
        return EXIT_USAGE;
    }
  },
};
