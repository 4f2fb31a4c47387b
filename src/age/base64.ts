/**
 * Strict base64 for age headers.
 *
 * The header uses unpadded standard base64 and decoders MUST reject
 * non-canonical encodings (spare bits set) and `=` padding. Node's
 * `Buffer.from(s, 'base64')` silently skips invalid characters and accepts
 * both alphabets, so every string goes through `isRawBase64` first and is
 * re-encoded after decoding to prove it was canonical.
 */
import { fail, type AgeErrorCode } from './errors.js';

const RAW_B64 = /^[A-Za-z0-9+/]*$/;

/** Unpadded standard base64. */
export function encodeRaw(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64').replace(/=+$/, '');
}

/**
 * Decodes unpadded canonical base64, throwing `code` for padding, foreign
 * characters, impossible lengths (4n+1) and non-zero spare bits.
 */
export function decodeRaw(s: string, what: string, code: AgeErrorCode = 'E_AGE_HEADER'): Uint8Array {
  if (!RAW_B64.test(s)) throw fail(code, `${what}: not unpadded standard base64`);
  if (s.length % 4 === 1) throw fail(code, `${what}: impossible base64 length ${s.length}`);
  const out = Buffer.from(s, 'base64');
  if (encodeRaw(out) !== s) throw fail(code, `${what}: non-canonical base64`);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Decodes canonical base64 of exactly `n` bytes. */
export function decodeRawExact(s: string, n: number, what: string, code: AgeErrorCode = 'E_AGE_HEADER'): Uint8Array {
  const out = decodeRaw(s, what, code);
  if (out.length !== n) throw fail(code, `${what}: expected ${n} bytes, got ${out.length}`);
  return out;
}
