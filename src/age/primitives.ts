/**
 * The symmetric primitives age uses, on Node's native (OpenSSL) crypto:
 * HKDF-SHA-256, HMAC-SHA-256 and ChaCha20-Poly1305 with a 16-byte tag.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';

export const TAG_SIZE = 16;
export const FILE_KEY_SIZE = 16;
const ZERO_NONCE = new Uint8Array(12);

/** HKDF-SHA-256 with a 32-byte output, as everywhere in age. */
export function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', ikm, salt, info, 32));
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(data).digest());
}

/** Constant-time equality of two byte strings (false for different lengths). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** ChaCha20-Poly1305 seal: returns ciphertext || tag. */
export function aeadSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE });
  const ct = c.update(plaintext);
  c.final();
  return new Uint8Array(Buffer.concat([ct, c.getAuthTag()]));
}

/**
 * ChaCha20-Poly1305 open of ciphertext || tag (the one implementation, for
 * header stanzas and payload chunks); `undefined` when the tag does not
 * verify. The plaintext is the decipher's own Buffer, not copied.
 */
export function chachaOpen(key: Uint8Array | KeyObject, nonce: Uint8Array, sealed: Uint8Array): Buffer | undefined {
  if (sealed.length < TAG_SIZE) return undefined;
  const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE });
  d.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  const pt = d.update(sealed.subarray(0, sealed.length - TAG_SIZE));
  try {
    d.final();
  } catch {
    return undefined;
  }
  return pt;
}

/** `chachaOpen` with the plaintext as a plain Uint8Array view. */
export function aeadOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
  const pt = chachaOpen(key, nonce, sealed);
  return pt === undefined ? undefined : new Uint8Array(pt.buffer, pt.byteOffset, pt.byteLength);
}

/** Wraps a 16-byte file key under a stanza wrap key (zero nonce, as the spec fixes). */
export function wrapFileKey(wrapKey: Uint8Array, fileKey: Uint8Array): Uint8Array {
  return aeadSeal(wrapKey, ZERO_NONCE, fileKey);
}

/** Unwraps a stanza body; `undefined` if the tag does not verify. */
export function unwrapFileKey(wrapKey: Uint8Array, body: Uint8Array): Uint8Array | undefined {
  return aeadOpen(wrapKey, ZERO_NONCE, body);
}

export function newFileKey(): Uint8Array {
  return new Uint8Array(randomBytes(FILE_KEY_SIZE));
}
