/**
 * API keys: `mg_<id>_<secret>`, the secret 32 random bytes in base64url.
 * The id names the key's entry (for lookups, limits and audit records); only
 * the secret is verified. Stored as `hmac-sha256:<salt>:<digest>`: a random
 * per-secret salt and HMAC-SHA-256(salt, secret). The secret carries 256
 * bits of entropy, so a slow password hash would add cost per request and
 * no protection (nothing to brute-force); the salt keeps equal secrets
 * apart and makes precomputed tables useless, as for GitHub's and Stripe's
 * tokens.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_ID = /^[A-Za-z0-9-]{1,64}$/;
const KEY = /^mg_([A-Za-z0-9-]{1,64})_([A-Za-z0-9_-]{43})$/;
const HASH = /^hmac-sha256:([A-Za-z0-9_-]{22}):([A-Za-z0-9_-]{43})$/;

export interface ParsedKey {
  readonly id: string;
  readonly secret: string;
}

export function parseApiKey(presented: string): ParsedKey | undefined {
  const m = KEY.exec(presented);
  return m === null ? undefined : { id: m[1] as string, secret: m[2] as string };
}

export interface StoredHash {
  readonly salt: Buffer;
  readonly digest: Buffer;
}

export function parseStoredHash(s: string): StoredHash | undefined {
  const m = HASH.exec(s);
  return m === null ? undefined : { salt: Buffer.from(m[1] as string, 'base64url'), digest: Buffer.from(m[2] as string, 'base64url') };
}

function digestOf(salt: Buffer, secret: string): Buffer {
  return createHmac('sha256', salt).update(secret).digest();
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, stored: StoredHash): boolean {
  return timingSafeEqual(digestOf(stored.salt, secret), stored.digest);
}

export function hashSecret(secret: string): string {
  const salt = randomBytes(16);
  return `hmac-sha256:${salt.toString('base64url')}:${digestOf(salt, secret).toString('base64url')}`;
}

/** A new key for `id`: the key to hand out once, and the hash to store. */
export function generateApiKey(id: string): { key: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { key: `mg_${id}_${secret}`, hash: hashSecret(secret) };
}
