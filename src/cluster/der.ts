/**
 * A minimal DER encoder: exactly the ASN.1 types an X.509 v3 certificate
 * needs (X.690 definite-length encoding). Encoding only: the certificates
 * it builds are parsed back by `node:crypto`'s `X509Certificate` and by
 * OpenSSL in the tests, never by this module.
 */
import { ModelguardError } from '../errors.js';

/** Longest value this encoder writes (a certificate is a few hundred bytes). Bounds the length field to 4 bytes. */
export const MAX_DER_LENGTH = 0xff_ffff;

function lengthBytes(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_DER_LENGTH) throw new ModelguardError('E_LIMIT', `DER value of ${n} bytes is over ${MAX_DER_LENGTH}`);
  if (n < 0x80) return Uint8Array.of(n);
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return Uint8Array.of(0x80 | out.length, ...out);
}

/** One TLV: `tag` then the definite length of the concatenated `parts`. */
export function tlv(tag: number, ...parts: readonly Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  return Buffer.concat([Uint8Array.of(tag), lengthBytes(body.length), body]);
}

export const sequence = (...parts: readonly Uint8Array[]): Uint8Array => tlv(0x30, ...parts);
export const set = (...parts: readonly Uint8Array[]): Uint8Array => tlv(0x31, ...parts);
/** `[n] EXPLICIT`: a constructed context tag around one element. */
export const explicit = (n: number, inner: Uint8Array): Uint8Array => tlv(0xa0 | n, inner);
/** `[n] IMPLICIT` primitive context tag (GeneralName dNSName is 2, iPAddress 7; keyIdentifier 0). */
export const implicit = (n: number, body: Uint8Array): Uint8Array => tlv(0x80 | n, body);
export const boolean = (v: boolean): Uint8Array => tlv(0x01, Uint8Array.of(v ? 0xff : 0x00));
export const octetString = (b: Uint8Array): Uint8Array => tlv(0x04, b);
/** BIT STRING with `unusedBits` trailing bits of the last byte unused. */
export const bitString = (b: Uint8Array, unusedBits = 0): Uint8Array => tlv(0x03, Uint8Array.of(unusedBits), b);
export const utf8String = (s: string): Uint8Array => tlv(0x0c, Buffer.from(s, 'utf8'));

/** A non-negative INTEGER from big-endian magnitude bytes: minimal form, a 0x00 prefix when the top bit is set. */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const m = magnitude.subarray(start);
  if (m.length === 0) return tlv(0x02, Uint8Array.of(0));
  return (m[0] ?? 0) & 0x80 ? tlv(0x02, Uint8Array.of(0), m) : tlv(0x02, m);
}

export const smallInteger = (n: number): Uint8Array => {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fff_ffff) throw new ModelguardError('E_USAGE', `DER small integer out of range: ${n}`);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return unsignedInteger(Uint8Array.from(bytes));
};

/** OBJECT IDENTIFIER from dotted form (first arc 0-2, second below 40 unless the first is 2). */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => {
    if (!/^(0|[1-9]\d{0,9})$/.test(a)) throw new ModelguardError('E_USAGE', `bad OID arc in ${dotted}`);
    return Number(a);
  });
  const [a0, a1, ...rest] = arcs;
  if (a0 === undefined || a1 === undefined || a0 > 2 || (a0 < 2 && a1 >= 40)) throw new ModelguardError('E_USAGE', `bad OID ${dotted}`);
  const out: number[] = [];
  for (const arc of [a0 * 40 + a1, ...rest]) {
    const base128: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) base128.unshift(0x80 | (v & 0x7f));
    out.push(...base128);
  }
  return tlv(0x06, Uint8Array.from(out));
}

/** A time as RFC 5280 wants it: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, Zulu. */
export function time(d: Date): Uint8Array {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) throw new ModelguardError('E_USAGE', 'invalid date');
  const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  const year = d.getUTCFullYear();
  if (year < 1950 || year > 9999) throw new ModelguardError('E_USAGE', `certificate year ${year} out of range`);
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  return year < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii')) : tlv(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}
