/**
 * The X25519 recipient type, on Node's native X25519 (OpenSSL).
 *
 * Keys are imported from raw 32-byte strings through fixed DER prefixes
 * (PKCS#8 for private keys, SPKI for public keys), the encodings OpenSSL
 * accepts without any ASN.1 parsing on our side.
 */
import { createPrivateKey, createPublicKey, diffieHellman, randomBytes, type KeyObject } from 'node:crypto';
import { fail } from './errors.js';
import { decodeRawExact, encodeRaw } from './base64.js';
import { bech32Decode, bech32Encode } from './bech32.js';
import type { Stanza } from './format.js';
import { hkdf, unwrapFileKey, wrapFileKey } from './primitives.js';
import type { Identity, Recipient } from './recipient.js';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const INFO = 'age-encryption.org/v1/X25519';
export const RECIPIENT_HRP = 'age';
export const IDENTITY_HRP = 'age-secret-key-';

function privateKey(raw: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

function publicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

function rawPublic(key: KeyObject): Uint8Array {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const der = pub.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - 32));
}

/** X25519(secret, peer); throws `E_AGE_HEADER` for a low-order peer (all-zero result). */
function sharedSecret(secret: KeyObject, peer: Uint8Array): Uint8Array {
  let out: Buffer;
  try {
    out = diffieHellman({ privateKey: secret, publicKey: publicKey(peer) });
  } catch (e) {
    throw fail('E_AGE_HEADER', 'X25519 share is a low-order point', { cause: e });
  }
  if (out.every((b) => b === 0)) throw fail('E_AGE_HEADER', 'X25519 shared secret is all zeros');
  return new Uint8Array(out);
}

export class X25519Recipient implements Recipient {
  readonly publicKey: Uint8Array;

  constructor(publicKey: Uint8Array) {
    if (publicKey.length !== 32) throw fail('E_AGE_KEY', 'X25519 public key must be 32 bytes');
    this.publicKey = publicKey;
  }

  static parse(s: string): X25519Recipient {
    const { hrp, data } = bech32Decode(s);
    if (hrp !== RECIPIENT_HRP || s !== s.toLowerCase()) throw fail('E_AGE_KEY', 'not an age1 X25519 recipient');
    return new X25519Recipient(data);
  }

  toString(): string {
    return bech32Encode(RECIPIENT_HRP, this.publicKey);
  }

  wrap(fileKey: Uint8Array): Stanza[] {
    const ephemeral = privateKey(randomBytes(32));
    const share = rawPublic(ephemeral);
    const secret = sharedSecret(ephemeral, this.publicKey);
    const salt = Buffer.concat([share, this.publicKey]);
    const body = wrapFileKey(hkdf(secret, salt, INFO), fileKey);
    return [{ args: ['X25519', encodeRaw(share)], body }];
  }
}

export class X25519Identity implements Identity {
  private readonly key: KeyObject;
  readonly recipient: X25519Recipient;

  constructor(secret: Uint8Array) {
    if (secret.length !== 32) throw fail('E_AGE_KEY', 'X25519 secret key must be 32 bytes');
    this.key = privateKey(secret);
    this.recipient = new X25519Recipient(rawPublic(this.key));
  }

  /** Parses `AGE-SECRET-KEY-1...`. The string is never echoed in errors. */
  static parse(s: string): X25519Identity {
    const { hrp, data } = bech32Decode(s);
    if (hrp !== IDENTITY_HRP || s !== s.toUpperCase()) throw fail('E_AGE_KEY', 'not an AGE-SECRET-KEY-1 identity');
    return new X25519Identity(data);
  }

  static generate(): { identity: X25519Identity; encoded: string } {
    const secret = randomBytes(32);
    return { identity: new X25519Identity(secret), encoded: bech32Encode(IDENTITY_HRP, secret, true) };
  }

  unwrap(stanzas: readonly Stanza[]): Uint8Array | undefined {
    for (const s of stanzas) {
      if (s.args[0] !== 'X25519') continue;
      const [, shareText] = s.args;
      if (s.args.length !== 2 || shareText === undefined) throw fail('E_AGE_HEADER', 'X25519 stanza must have exactly one argument');
      const share = decodeRawExact(shareText, 32, 'X25519 share');
      if (s.body.length !== 32) throw fail('E_AGE_HEADER', 'X25519 stanza body must be 32 bytes');
      const secret = sharedSecret(this.key, share);
      const salt = Buffer.concat([share, this.recipient.publicKey]);
      const fileKey = unwrapFileKey(hkdf(secret, salt, INFO), s.body);
      if (fileKey !== undefined) return fileKey;
    }
    return undefined;
  }
}
