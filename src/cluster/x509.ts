/**
 * Builds X.509 v3 certificates (RFC 5280) for the cluster PKI: an EC P-256
 * CA and node certificates signed with ECDSA-SHA256. `node:crypto` can
 * parse and verify certificates but not build them; this module writes
 * the few fields the cluster needs and nothing else.
 */
import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { ModelguardError } from '../errors.js';
import { bitString, boolean, explicit, implicit, octetString, oid, sequence, set, smallInteger, time, unsignedInteger, utf8String } from './der.js';

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** What a node certificate may be used for; a tunnel server needs `server`, a tunnel client `client`. */
export type NodeUsage = 'server' | 'client';

export interface CertificateSpec {
  /** Subject common name (the node name, or the CA's name). */
  commonName: string;
  /** Subject organization: the cluster name. */
  organization: string;
  /** Public key to certify. */
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  /** A CA certificate (may sign node certificates, nothing below them), or a node (end-entity) certificate. */
  kind: 'ca' | 'node';
  /** Node only: DNS names and IP addresses for subjectAltName. */
  names?: readonly string[];
  /** Node only: extended key usages (default both). */
  usages?: readonly NodeUsage[];
}

export interface Issuer {
  commonName: string;
  organization: string;
  privateKey: KeyObject;
  /** The issuer's public key (for the authority key identifier). */
  publicKey: KeyObject;
}

/** Longest name accepted in a subject or subjectAltName (RFC 1035 caps DNS names at 253). */
export const MAX_NAME_LENGTH = 253;
/** Most subjectAltName entries per certificate. */
export const MAX_SAN_ENTRIES = 64;

const DNS_NAME = /^(?=.{1,253}$)([a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)*$/;

function name(cn: string, org: string): Uint8Array {
  for (const v of [cn, org]) {
    if (v.length === 0 || v.length > MAX_NAME_LENGTH || [...v].some((ch) => ch.charCodeAt(0) < 0x20 || ch === '\x7f'))
      throw new ModelguardError('E_USAGE', `bad certificate name: ${JSON.stringify(v)}`);
  }
  return sequence(set(sequence(oid(OID.organization), utf8String(org))), set(sequence(oid(OID.commonName), utf8String(cn))));
}

function ipBytes(ip: string): Uint8Array {
  if (isIP(ip) === 4) return Uint8Array.from(ip.split('.').map(Number));
  // IPv6: expand "::" then 8 groups of 16 bits (an embedded IPv4 tail is converted first).
  let s = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4?.[1] !== undefined) {
    const b = v4[1].split('.').map(Number);
    s = `${s.slice(0, -v4[1].length)}${(((b[0] ?? 0) << 8) | (b[1] ?? 0)).toString(16)}:${(((b[2] ?? 0) << 8) | (b[3] ?? 0)).toString(16)}`;
  }
  const [head = '', tail] = s.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

/** subjectAltName entries: IP literals become iPAddress, everything else must be a DNS name. */
export function altNames(names: readonly string[]): Uint8Array {
  if (names.length > MAX_SAN_ENTRIES) throw new ModelguardError('E_LIMIT', `more than ${MAX_SAN_ENTRIES} subjectAltName entries`);
  return sequence(
    ...names.map((n) => {
      if (isIP(n) !== 0) return implicit(7, ipBytes(n));
      if (!DNS_NAME.test(n)) throw new ModelguardError('E_USAGE', `not a DNS name or IP address: ${JSON.stringify(n)}`);
      return implicit(2, Buffer.from(n.toLowerCase(), 'ascii'));
    }),
  );
}

function spki(key: KeyObject): Buffer {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new ModelguardError('E_USAGE', 'cluster keys must be EC P-256');
  return key.export({ type: 'spki', format: 'der' });
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING contents (an uncompressed P-256 point is the last 65 bytes). */
export function keyIdentifier(key: KeyObject): Buffer {
  const der = spki(key);
  return createHash('sha1')
    .update(der.subarray(der.length - 65))
    .digest();
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

/** Issues one DER certificate for `spec`, signed by `issuer` (itself, for a self-signed CA). */
export function buildCertificate(spec: CertificateSpec, issuer: Issuer): Buffer {
  if (!(spec.notBefore.getTime() < spec.notAfter.getTime())) throw new ModelguardError('E_USAGE', 'certificate notAfter must be after notBefore');
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // positive, at most 16 bytes (RFC 5280 caps serials at 20 octets)
  const exts: Uint8Array[] = [extension(OID.subjectKeyId, false, octetString(keyIdentifier(spec.publicKey)))];
  exts.push(extension(OID.authorityKeyId, false, sequence(implicit(0, keyIdentifier(issuer.publicKey)))));
  if (spec.kind === 'ca') {
    exts.push(extension(OID.basicConstraints, true, sequence(boolean(true), smallInteger(0))));
    exts.push(extension(OID.keyUsage, true, bitString(Uint8Array.of(0x06), 1))); // keyCertSign (5), cRLSign (6)
  } else {
    const usages = spec.usages ?? ['server', 'client'];
    if (usages.length === 0) throw new ModelguardError('E_USAGE', 'a node certificate needs at least one usage');
    exts.push(extension(OID.basicConstraints, true, sequence()));
    exts.push(extension(OID.keyUsage, true, bitString(Uint8Array.of(0x80), 7))); // digitalSignature (0)
    exts.push(extension(OID.extKeyUsage, false, sequence(...usages.map((u) => oid(u === 'server' ? OID.serverAuth : OID.clientAuth)))));
    if (spec.names !== undefined && spec.names.length > 0) exts.push(extension(OID.subjectAltName, false, altNames(spec.names)));
  }
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serial),
    algorithm,
    name(issuer.commonName, issuer.organization),
    sequence(time(spec.notBefore), time(spec.notAfter)),
    name(spec.commonName, spec.organization),
    spki(spec.publicKey),
    explicit(3, sequence(...exts)),
  );
  const signature = sign('sha256', tbs, { key: issuer.privateKey, dsaEncoding: 'der' });
  return Buffer.from(sequence(tbs, algorithm, bitString(signature)));
}

/** PEM armour for a DER certificate. */
export function certificatePem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
}
