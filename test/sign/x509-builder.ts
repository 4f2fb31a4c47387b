/**
 * A minimal DER/X.509 writer for tests: CAs, leaves, Fulcio-style keyless
 * certificates with an SCT. Node can parse certificates but not make them,
 * and the tests must not depend on an openssl binary.
 */
import { createHash, createPublicKey, generateKeyPairSync, sign, X509Certificate, type KeyObject } from 'node:crypto';

export function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : n < 0x10000 ? Buffer.from([0x82, n >> 8, n & 0xff]) : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, content]);
}
export const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
export const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
export const octets = (b: Buffer): Buffer => tlv(0x04, b);
export const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
export const bool = (b: boolean): Buffer => tlv(0x01, Buffer.from([b ? 0xff : 0]));
export const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 + n, inner);
export const bits = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));

export function int(v: bigint | number): Buffer {
  let hex = BigInt(v).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let b = Buffer.from(hex, 'hex');
  if ((b[0] as number) & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

export function oid(s: string): Buffer {
  const parts = s.split('.').map(Number);
  const out = [40 * (parts[0] as number) + (parts[1] as number)];
  for (const p of parts.slice(2)) {
    const stack = [p & 0x7f];
    for (let v = p >>> 7; v > 0; v >>>= 7) stack.unshift((v & 0x7f) | 0x80);
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  const y = d.getUTCFullYear();
  const p = (n: number): string => String(n).padStart(2, '0');
  const body = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return y < 2050 ? tlv(0x17, Buffer.from(`${p(y % 100)}${body}`)) : tlv(0x18, Buffer.from(`${y}${body}`));
}

const name = (cn: string): Buffer => seq(set(seq(oid('2.5.4.3'), utf8(cn))));

const SIG_ALG: Record<string, { oid: string; hash: string }> = {
  prime256v1: { oid: '1.2.840.10045.4.3.2', hash: 'sha256' },
  secp384r1: { oid: '1.2.840.10045.4.3.3', hash: 'sha384' },
  secp521r1: { oid: '1.2.840.10045.4.3.4', hash: 'sha512' },
};

export interface CertSpec {
  subject: string;
  publicKey: KeyObject;
  issuer?: { name: string; key: KeyObject; publicKey: KeyObject };
  ca?: boolean;
  pathLen?: number;
  /** keyUsage bits: digitalSignature, keyCertSign. Omit the extension with `null`. */
  keyUsage?: { digitalSignature?: boolean; keyCertSign?: boolean } | null;
  codeSigning?: boolean;
  notBefore?: Date;
  notAfter?: Date;
  email?: string;
  /** Fulcio OIDC issuer (v1 raw and v2 DER extensions). */
  oidcIssuer?: string;
  /** Extra extensions (DER Extension structures), e.g. an SCT list. */
  extra?: Buffer[];
}

function ext(id: string, value: Buffer, critical = false): Buffer {
  return seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
}

function keyId(pub: KeyObject): Buffer {
  const spki = pub.export({ type: 'spki', format: 'der' });
  return createHash('sha1').update(spki).digest();
}

export function extensions(s: CertSpec): Buffer[] {
  const out: Buffer[] = [];
  if (s.ca !== undefined) out.push(ext('2.5.29.19', seq(...(s.ca ? [bool(true)] : []), ...(s.pathLen === undefined ? [] : [int(s.pathLen)])), true));
  const ku = s.keyUsage === undefined ? (s.ca === true ? { keyCertSign: true } : { digitalSignature: true }) : s.keyUsage;
  if (ku !== null) {
    const byte = (ku.digitalSignature === true ? 0x80 : 0) | (ku.keyCertSign === true ? 0x04 : 0);
    out.push(ext('2.5.29.15', bits(Buffer.from([byte]), byte & 0x04 ? 2 : 7), true));
  }
  if (s.codeSigning === true) out.push(ext('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.3'))));
  out.push(ext('2.5.29.14', octets(keyId(s.publicKey))));
  if (s.issuer !== undefined) out.push(ext('2.5.29.35', seq(tlv(0x80, keyId(s.issuer.publicKey)))));
  if (s.email !== undefined) out.push(ext('2.5.29.17', seq(tlv(0x81, Buffer.from(s.email))), true));
  if (s.oidcIssuer !== undefined) {
    out.push(ext('1.3.6.1.4.1.57264.1.1', Buffer.from(s.oidcIssuer)));
    out.push(ext('1.3.6.1.4.1.57264.1.8', utf8(s.oidcIssuer)));
  }
  return [...out, ...(s.extra ?? [])];
}

/** DER TBSCertificate for `s` with the given extensions. */
export function tbs(s: CertSpec, exts: Buffer[], serial: bigint): Buffer {
  const signer = s.issuer?.publicKey ?? s.publicKey;
  const alg = SIG_ALG[signer.asymmetricKeyDetails?.namedCurve ?? ''];
  if (alg === undefined) throw new Error('issuer key must be P-256/384/521');
  const nb = s.notBefore ?? new Date(Date.now() - 3600_000);
  const na = s.notAfter ?? new Date(Date.now() + 365 * 86400_000);
  return seq(
    explicit(0, int(2)),
    int(serial),
    seq(oid(alg.oid)),
    name(s.issuer?.name ?? s.subject),
    seq(time(nb), time(na)),
    name(s.subject),
    s.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(...exts)),
  );
}

export function signTbs(t: Buffer, s: CertSpec, signingKey: KeyObject): X509Certificate {
  const signer = s.issuer?.publicKey ?? s.publicKey;
  const alg = SIG_ALG[signer.asymmetricKeyDetails?.namedCurve ?? ''] as { oid: string; hash: string };
  const sig = sign(alg.hash, t, signingKey);
  return new X509Certificate(seq(t, seq(oid(alg.oid)), bits(sig)));
}

let serialCounter = 1000n;

/** Builds and signs a certificate (self-signed when no issuer). */
export function makeCert(s: CertSpec, signingKey: KeyObject): X509Certificate {
  return signTbs(tbs(s, extensions(s), serialCounter++), s, s.issuer?.key ?? signingKey);
}

export interface TestCa {
  name: string;
  key: KeyObject;
  publicKey: KeyObject;
  cert: X509Certificate;
}

export function ecKey(curve = 'prime256v1'): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: curve });
}

/** A self-signed root CA on `curve`. */
export function makeRoot(cn: string, curve = 'prime256v1', opts: Partial<CertSpec> = {}): TestCa {
  const { privateKey, publicKey } = ecKey(curve);
  const cert = makeCert({ subject: cn, publicKey, ca: true, ...opts }, privateKey);
  return { name: cn, key: privateKey, publicKey, cert };
}

/** An intermediate CA issued by `parent`. */
export function makeIntermediate(cn: string, parent: TestCa, curve = 'prime256v1', opts: Partial<CertSpec> = {}): TestCa {
  const { privateKey, publicKey } = ecKey(curve);
  const cert = makeCert({ subject: cn, publicKey, ca: true, issuer: { name: parent.name, key: parent.key, publicKey: parent.publicKey }, ...opts }, parent.key);
  return { name: cn, key: privateKey, publicKey, cert };
}

/** A code-signing leaf for `key` issued by `ca`. */
export function makeLeaf(cn: string, key: KeyObject, ca: TestCa, opts: Partial<CertSpec> = {}): X509Certificate {
  return makeCert(
    { subject: cn, publicKey: createPublicKey(key), issuer: { name: ca.name, key: ca.key, publicKey: ca.publicKey }, codeSigning: true, ...opts },
    ca.key,
  );
}

export const pem = (c: X509Certificate): string => c.toString();
