/**
 * The cluster PKI on disk: a CA and one certificate per node, all EC
 * P-256, short-lived, every file written 0600 in a 0700 folder.
 *
 *   <dir>/ca.crt          trusted CA certificates: the current one first, then
 *                         previous ones until they expire (CA rotation)
 *   <dir>/ca.key          the current CA's private key
 *   <dir>/nodes/N.crt     node N's certificate (SANs: its names and addresses)
 *   <dir>/nodes/N.key     node N's private key
 *   <dir>/revoked         SHA-256 fingerprints refused by tunnels, one a line
 *
 * Rotation: issuing a node again makes a new key and certificate (optionally
 * revoking the old fingerprint); `init --rotate` makes a new CA and keeps the
 * old CA certificate trusted until it expires, so nodes can be re-issued one
 * at a time.
 */
import { createPrivateKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWrite } from '../files/fsutil.js';
import { ClusterError } from './errors.js';
import { buildCertificate, certificatePem, type NodeUsage } from './x509.js';

const DAY = 86_400_000;
/** Default lifetimes: short, so a stolen node key stops working soon; re-issue is one command. */
export const DEFAULT_CA_DAYS = 90;
export const DEFAULT_NODE_DAYS = 7;
/** Longest lifetimes accepted. */
export const MAX_CA_DAYS = 825;
export const MAX_NODE_DAYS = 90;
/** Clock-skew allowance: certificates start this long before they are made. */
const BACKDATE_MS = 5 * 60_000;

const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export interface ClusterPaths {
  dir: string;
  caCert: string;
  caKey: string;
  revoked: string;
  nodeCert(node: string): string;
  nodeKey(node: string): string;
}

export function clusterPaths(dir: string): ClusterPaths {
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    revoked: join(dir, 'revoked'),
    nodeCert: (n) => join(dir, 'nodes', `${checkNodeName(n)}.crt`),
    nodeKey: (n) => join(dir, 'nodes', `${checkNodeName(n)}.key`),
  };
}

export function checkNodeName(n: string): string {
  if (!NODE_NAME.test(n)) throw new ClusterError('E_USAGE', `node name must be 1-63 letters, digits, '.', '_' or '-' (got ${JSON.stringify(n)})`);
  return n;
}

function checkDays(days: number, max: number): number {
  if (!Number.isInteger(days) || days < 1 || days > max) throw new ClusterError('E_USAGE', `lifetime must be 1-${max} days (got ${days})`);
  return days;
}

const newKey = (): { privateKey: KeyObject; publicKey: KeyObject } => generateKeyPairSync('ec', { namedCurve: 'P-256' });

const writeSecret = (path: string, text: string): Promise<void> => atomicWrite(path, (h) => h.writeFile(text), 0o600);

/** Splits a PEM bundle into its certificates. */
export function parseCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

export interface InitOptions {
  dir: string;
  /** Cluster name: the organization of every certificate. */
  name: string;
  days?: number;
  /** Replace an existing CA, keeping its certificate trusted until it expires. */
  rotate?: boolean;
  now?: Date;
}

export interface CaInfo {
  fingerprint: string;
  notAfter: string;
  trusted: number;
}

export async function initCluster(o: InitOptions): Promise<CaInfo> {
  const days = checkDays(o.days ?? DEFAULT_CA_DAYS, MAX_CA_DAYS);
  const p = clusterPaths(o.dir);
  const exists = existsSync(p.caCert) || existsSync(p.caKey);
  if (exists && o.rotate !== true) throw new ClusterError('E_EXISTS', `${o.dir} already has a cluster CA (use --rotate to replace it)`);
  mkdirSync(join(o.dir, 'nodes'), { recursive: true, mode: 0o700 });
  const now = o.now ?? new Date();
  const { privateKey, publicKey } = newKey();
  const der = buildCertificate(
    {
      commonName: `${o.name} cluster CA`,
      organization: o.name,
      publicKey,
      kind: 'ca',
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: new Date(now.getTime() + days * DAY),
    },
    { commonName: `${o.name} cluster CA`, organization: o.name, privateKey, publicKey },
  );
  const still = exists ? parseCertificates(readFileSync(p.caCert, 'utf8')).filter((c) => new Date(c.validTo).getTime() > now.getTime()) : [];
  await writeSecret(p.caKey, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  await writeSecret(p.caCert, [certificatePem(der), ...still.map((c) => c.toString())].join(''));
  if (!existsSync(p.revoked)) await writeSecret(p.revoked, '');
  return { fingerprint: new X509Certificate(der).fingerprint256, notAfter: new Date(now.getTime() + days * DAY).toISOString(), trusted: 1 + still.length };
}

export interface LoadedCa {
  cert: X509Certificate;
  key: KeyObject;
  name: string;
}

export function loadCa(dir: string): LoadedCa {
  const p = clusterPaths(dir);
  if (!existsSync(p.caCert) || !existsSync(p.caKey)) throw new ClusterError('E_NO_CLUSTER', `${dir} has no cluster CA; run 'modelguard cluster init' first`);
  const [cert] = parseCertificates(readFileSync(p.caCert, 'utf8'));
  if (cert === undefined) throw new ClusterError('E_MALFORMED', `${p.caCert} holds no certificate`);
  const key = createPrivateKey(readFileSync(p.caKey));
  const org = /^O=(.*)$/m.exec(cert.subject)?.[1] ?? 'modelguard';
  return { cert, key, name: org };
}

export interface IssueOptions {
  dir: string;
  node: string;
  /** DNS names and IP addresses the node is reached at (subjectAltName). The node name is always included. */
  names?: readonly string[];
  usages?: readonly NodeUsage[];
  days?: number;
  /** Add the previous certificate's fingerprint to the revoked list. */
  revokePrevious?: boolean;
  now?: Date;
  /** Tests only: a certificate whose validity is already over. */
  notAfter?: Date;
}

export interface NodeInfo {
  node: string;
  fingerprint: string;
  notAfter: string;
  names: string[];
  revokedPrevious?: string;
}

export async function issueNode(o: IssueOptions): Promise<NodeInfo> {
  const days = checkDays(o.days ?? DEFAULT_NODE_DAYS, MAX_NODE_DAYS);
  const p = clusterPaths(o.dir);
  const ca = loadCa(o.dir);
  const now = o.now ?? new Date();
  const notAfter = o.notAfter ?? new Date(Math.min(now.getTime() + days * DAY, new Date(ca.cert.validTo).getTime()));
  const previous = existsSync(p.nodeCert(o.node)) ? parseCertificates(readFileSync(p.nodeCert(o.node), 'utf8'))[0] : undefined;
  // A rotation without new names keeps the names the node had.
  const kept = o.names === undefined || o.names.length === 0 ? sanEntries(previous) : o.names;
  const names = [...new Set([checkNodeName(o.node), ...kept])];
  const { privateKey, publicKey } = newKey();
  const der = buildCertificate(
    {
      commonName: o.node,
      organization: ca.name,
      publicKey,
      kind: 'node',
      names,
      usages: o.usages ?? ['server', 'client'],
      notBefore: new Date(Math.min(now.getTime(), notAfter.getTime()) - BACKDATE_MS),
      notAfter,
    },
    { commonName: /^CN=(.*)$/m.exec(ca.cert.subject)?.[1] ?? `${ca.name} cluster CA`, organization: ca.name, privateKey: ca.key, publicKey: ca.cert.publicKey },
  );
  mkdirSync(join(o.dir, 'nodes'), { recursive: true, mode: 0o700 });
  await writeSecret(p.nodeKey(o.node), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  await writeSecret(p.nodeCert(o.node), certificatePem(der));
  const info: NodeInfo = { node: o.node, fingerprint: new X509Certificate(der).fingerprint256, notAfter: notAfter.toISOString(), names };
  if (o.revokePrevious === true && previous !== undefined) {
    await revokeFingerprints(o.dir, [previous.fingerprint256]);
    info.revokedPrevious = previous.fingerprint256;
  }
  return info;
}

/** DNS and IP entries of a certificate's subjectAltName, as `X509Certificate` prints them. */
function sanEntries(c: X509Certificate | undefined): string[] {
  const out: string[] = [];
  for (const part of (c?.subjectAltName ?? '').split(', ')) {
    const m = /^(DNS|IP Address):(.+)$/.exec(part);
    if (m?.[2] !== undefined) out.push(m[2]);
  }
  return out;
}

/** A SHA-256 fingerprint as `openssl x509 -fingerprint -sha256` and node print it: 32 colon-separated upper-case hex bytes. */
export function normalizeFingerprint(s: string): string {
  const hex = s
    .trim()
    .replace(/^sha256:/i, '')
    .replace(/:/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) throw new ClusterError('E_USAGE', `not a SHA-256 fingerprint: ${JSON.stringify(s.slice(0, 100))}`);
  return (hex.match(/../g) ?? []).join(':');
}

/** Reads a fingerprint list file (one a line, `#` comments). */
export function readFingerprints(path: string): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const t = line.replace(/#.*$/, '').trim();
    if (t !== '') out.add(normalizeFingerprint(t));
  }
  return out;
}

export async function revokeFingerprints(dir: string, fingerprints: readonly string[]): Promise<void> {
  const p = clusterPaths(dir);
  const have = existsSync(p.revoked) ? readFingerprints(p.revoked) : new Set<string>();
  for (const f of fingerprints) have.add(normalizeFingerprint(f));
  await writeSecret(p.revoked, [...have].map((f) => `${f}\n`).join(''));
}

/** Revokes a node's current certificate (by node name) or a fingerprint. */
export async function revoke(dir: string, nodeOrFingerprint: string): Promise<string> {
  let fp: string;
  if (NODE_NAME.test(nodeOrFingerprint) && existsSync(clusterPaths(dir).nodeCert(nodeOrFingerprint))) {
    const [c] = parseCertificates(readFileSync(clusterPaths(dir).nodeCert(nodeOrFingerprint), 'utf8'));
    if (c === undefined) throw new ClusterError('E_MALFORMED', `no certificate for ${nodeOrFingerprint}`);
    fp = c.fingerprint256;
  } else fp = normalizeFingerprint(nodeOrFingerprint);
  await revokeFingerprints(dir, [fp]);
  return fp;
}
