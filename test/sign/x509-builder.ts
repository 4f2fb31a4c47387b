/**
 * Just enough DER to make X.509 v3 certificates with node:crypto keys: a
 * self-signed root CA, and Fulcio-style code-signing leaves (empty subject,
 * e-mail SAN, OIDC issuer extensions, optional embedded SCT list).
 * ECDSA P-256 with SHA-256 throughout. Test-only.
 */
import { createPublicKey, generateKeyPairSync, sign, X509Certificate, type KeyObject } from 'node:crypto';

export function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, content]);
}

export const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
export const octets = (b: Buffer): Buffer => tlv(0x04, b);
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const explicit = (n: number, b: Buffer): Buffer => tlv(0xa0 + n, b);
const bits = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));

export function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const parts = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) parts.unshift((v & 0x7f) | 0x80);
    out.push(...parts);
  }
  return tlv(0x06, Buffer.from(out));
}

function integer(v: bigint): Buffer {
  let hex = v.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let b = Buffer.from(hex, 'hex');
  if ((b[0] ?? 0) & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function time(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(2, 14);
  return tlv(0x17, Buffer.from(`${s}Z`));
}

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

export function name(commonName: string): Buffer {
  if (commonName === '') return seq();
  return seq(set(seq(oid('2.5.4.10'), utf8('modelguard tests'))), set(seq(oid('2.5.4.3'), utf8(commonName))));
}

export function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

export function ecKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

export function spki(k: KeyObject): Buffer {
  return (k.type === 'private' ? createPublicKey(k) : k).export({ type: 'spki', format: 'der' });
}

export interface TbsSpec {
  serial: bigint;
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyObject;
  extensions: Buffer[];
}

export function tbs(s: TbsSpec): Buffer {
  return seq(
    explicit(0, integer(2n)),
    integer(s.serial),
    ECDSA_SHA256,
    s.issuer,
    seq(time(s.notBefore), time(s.notAfter)),
    s.subject,
    spki(s.publicKey),
    explicit(3, seq(...s.extensions)),
  );
}

export function signTbs(tbsDer: Buffer, issuerKey: KeyObject): X509Certificate {
  return new X509Certificate(seq(tbsDer, ECDSA_SHA256, bits(sign('sha256', tbsDer, issuerKey))));
}

export interface TestCa {
  name: Buffer;
  key: KeyObject;
  publicKey: KeyObject;
  cert: X509Certificate;
}

export function makeRoot(commonName: string): TestCa {
  const { privateKey, publicKey } = ecKey();
  const subject = name(commonName);
  const exts = [
    extension('2.5.29.19', true, seq(bool(true))), // basicConstraints: CA
    extension('2.5.29.15', true, bits(Buffer.from([0x06]), 1)), // keyUsage: keyCertSign, cRLSign
  ];
  const der = tbs({
    serial: 1n,
    issuer: subject,
    subject,
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2049-12-31T00:00:00Z'),
    publicKey,
    extensions: exts,
  });
  return { name: subject, key: privateKey, publicKey, cert: signTbs(der, privateKey) };
}

/** Fulcio's leaf extensions: digitalSignature, codeSigning, e-mail SAN (critical: empty subject), OIDC issuer v1 and v2. */
export function leafExtensions(email: string, oidcIssuer: string): Buffer[] {
  return [
    extension('2.5.29.15', true, bits(Buffer.from([0x80]), 7)),
    extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.3'))),
    extension('2.5.29.17', true, seq(tlv(0x81, Buffer.from(email, 'ascii')))),
    extension('1.3.6.1.4.1.57264.1.1', false, Buffer.from(oidcIssuer, 'utf8')),
    extension('1.3.6.1.4.1.57264.1.8', false, utf8(oidcIssuer)),
  ];
}
