/**
 * The post-quantum hybrid recipient type, mlkem768x25519 (ML-KEM-768 +
 * X25519, "X-Wing"), wrapped with HPKE base mode (RFC 9180): HKDF-SHA-256,
 * ChaCha20-Poly1305, info "age-encryption.org/mlkem768x25519".
 *
 * Node 20's crypto has no ML-KEM, so the KEM comes from
 * `@noble/post-quantum` (audited-style, zero-dependency family), loaded on
 * first use only: files and keys without post-quantum stanzas never load it.
 * The HPKE key schedule and the AEAD are Node's.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fail } from './errors.js';
import { decodeRawExact, encodeRaw } from './base64.js';
import { bech32Decode, bech32Encode } from './bech32.js';
import type { Stanza } from './format.js';
import { aeadOpen, aeadSeal } from './primitives.js';
import type { Identity, Recipient } from './recipient.js';

export const PQ_RECIPIENT_HRP = 'age1pq';
export const PQ_IDENTITY_HRP = 'age-secret-key-pq-';
const STANZA_TYPE = 'mlkem768x25519';
const INFO = Buffer.from('age-encryption.org/mlkem768x25519');
const ENC_SIZE = 1120;
const PUBLIC_KEY_SIZE = 1216;
/** HPKE suite: KEM MLKEM768-X25519 (0x647a), KDF HKDF-SHA256 (0x0001), AEAD ChaCha20Poly1305 (0x0003). */
const SUITE_ID = Buffer.concat([Buffer.from('HPKE'), Buffer.from([0x64, 0x7a, 0x00, 0x01, 0x00, 0x03])]);
const VERSION_LABEL = Buffer.from('HPKE-v1');

interface HybridKem {
  getPublicKey(seed: Uint8Array): Uint8Array;
  encapsulate(publicKey: Uint8Array): { cipherText: Uint8Array; sharedSecret: Uint8Array };
  decapsulate(cipherText: Uint8Array, seed: Uint8Array): Uint8Array;
}

let kem: HybridKem | undefined;
function hybridKem(): HybridKem {
  if (kem === undefined) {
    const require = createRequire(import.meta.url);
    kem = (require('@noble/post-quantum/hybrid.js') as { MLKEM768X25519: HybridKem }).MLKEM768X25519;
  }
  return kem;
}

function labeledExtract(salt: Uint8Array, label: string, ikm: Uint8Array): Buffer {
  return createHmac('sha256', salt)
    .update(Buffer.concat([VERSION_LABEL, SUITE_ID, Buffer.from(label), ikm]))
    .digest();
}

function labeledExpand(prk: Uint8Array, label: string, info: Uint8Array, length: number): Buffer {
  // One HKDF-Expand block suffices: length <= 32.
  const labeled = Buffer.concat([Buffer.from([0, length]), VERSION_LABEL, SUITE_ID, Buffer.from(label), info]);
  return createHmac('sha256', prk)
    .update(Buffer.concat([labeled, Buffer.from([1])]))
    .digest()
    .subarray(0, length);
}

/** HPKE base-mode key schedule: the AEAD key and nonce for sequence number 0. */
function hpkeKeyNonce(sharedSecret: Uint8Array): { key: Buffer; nonce: Buffer } {
  const empty = new Uint8Array(0);
  const context = Buffer.concat([Buffer.from([0]), labeledExtract(empty, 'psk_id_hash', empty), labeledExtract(empty, 'info_hash', INFO)]);
  const secret = labeledExtract(sharedSecret, 'secret', empty);
  return { key: labeledExpand(secret, 'key', context, 32), nonce: labeledExpand(secret, 'base_nonce', context, 12) };
}

export class HybridRecipient implements Recipient {
  readonly postQuantum = true;
  readonly publicKey: Uint8Array;

  constructor(publicKey: Uint8Array) {
    if (publicKey.length !== PUBLIC_KEY_SIZE) throw fail('E_AGE_KEY', `mlkem768x25519 public key must be ${PUBLIC_KEY_SIZE} bytes`);
    this.publicKey = publicKey;
  }

  static parse(s: string): HybridRecipient {
    const { hrp, data } = bech32Decode(s);
    if (hrp !== PQ_RECIPIENT_HRP || s !== s.toLowerCase()) throw fail('E_AGE_KEY', 'not an age1pq recipient');
    return new HybridRecipient(data);
  }

  toString(): string {
    return bech32Encode(PQ_RECIPIENT_HRP, this.publicKey);
  }

  wrap(fileKey: Uint8Array): Stanza[] {
    const { cipherText, sharedSecret } = hybridKem().encapsulate(this.publicKey);
    const { key, nonce } = hpkeKeyNonce(sharedSecret);
    return [{ args: [STANZA_TYPE, encodeRaw(cipherText)], body: aeadSeal(key, nonce, fileKey) }];
  }
}

export class HybridIdentity implements Identity {
  private readonly seed: Uint8Array;

  constructor(seed: Uint8Array) {
    if (seed.length !== 32) throw fail('E_AGE_KEY', 'post-quantum identity must be 32 bytes');
    this.seed = seed;
  }

  /** Parses `AGE-SECRET-KEY-PQ-1...`. The string is never echoed in errors. */
  static parse(s: string): HybridIdentity {
    const { hrp, data } = bech32Decode(s);
    if (hrp !== PQ_IDENTITY_HRP || s !== s.toUpperCase()) throw fail('E_AGE_KEY', 'not an AGE-SECRET-KEY-PQ-1 identity');
    return new HybridIdentity(data);
  }

  static generate(): { identity: HybridIdentity; encoded: string } {
    const seed = randomBytes(32);
    return { identity: new HybridIdentity(seed), encoded: bech32Encode(PQ_IDENTITY_HRP, seed, true) };
  }

  get recipient(): HybridRecipient {
    return new HybridRecipient(hybridKem().getPublicKey(this.seed));
  }

  unwrap(stanzas: readonly Stanza[]): Uint8Array | undefined {
    for (const s of stanzas) {
      if (s.args[0] !== STANZA_TYPE) continue;
      const [, encText] = s.args;
      if (s.args.length !== 2 || encText === undefined) throw fail('E_AGE_HEADER', 'mlkem768x25519 stanza must have exactly one argument');
      const enc = decodeRawExact(encText, ENC_SIZE, 'mlkem768x25519 encapsulated key');
      if (s.body.length !== 32) throw fail('E_AGE_HEADER', 'mlkem768x25519 stanza body must be 32 bytes');
      let sharedSecret: Uint8Array;
      try {
        sharedSecret = hybridKem().decapsulate(enc, this.seed);
      } catch (e) {
        // ML-KEM rejects implicitly; only a degenerate X25519 share throws.
        throw fail('E_AGE_HEADER', 'mlkem768x25519 share is invalid (low-order X25519 point)', { cause: e });
      }
      const { key, nonce } = hpkeKeyNonce(sharedSecret);
      const fileKey = aeadOpen(key, nonce, s.body);
      if (fileKey !== undefined) return fileKey;
    }
    return undefined;
  }
}
