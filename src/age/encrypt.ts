/**
 * age encryption: header building, and STREAM encryption as a push machine
 * with in-memory and async-stream wrappers.
 */
import { randomBytes } from 'node:crypto';
import { fail } from './errors.js';
import { ArmorEncoder } from './armor.js';
import { headerMac, serializeHeader, serializeHeaderNoMac, type Stanza } from './format.js';
import { newFileKey } from './primitives.js';
import type { Identity, Recipient } from './recipient.js';
import { PAYLOAD_NONCE_SIZE, payloadKey, StreamSealer } from './stream.js';

export interface EncryptOptions {
  /** ASCII armor the output (PEM "AGE ENCRYPTED FILE"). */
  readonly armor?: boolean;
  /**
   * Use this 16-byte file key instead of a fresh random one. Only for
   * callers that must verify their own output without an identity (the
   * vault keeps it in memory to decrypt-check what it wrote, then drops it).
   * Never reuse a file key for two files.
   */
  readonly fileKey?: Uint8Array;
}

/** Builds the header for a fresh file key; returns the key, header bytes and payload nonce. */
export function buildHeader(
  recipients: readonly Recipient[],
  fileKey: Uint8Array = newFileKey(),
): { fileKey: Uint8Array; header: Uint8Array; nonce: Uint8Array } {
  if (recipients.length === 0) throw fail('E_USAGE', 'no recipients given');
  if (recipients.length > 1 && recipients.some((r) => r.exclusive === true)) {
    throw fail('E_USAGE', 'a passphrase cannot be combined with other recipients');
  }
  const pq = recipients.filter((r) => r.postQuantum === true).length;
  if (pq > 0 && pq < recipients.length) {
    // The spec: such a file SHOULD NOT be encrypted to both kinds (the classical one breaks its PQ security).
    throw fail('E_USAGE', 'post-quantum (age1pq) recipients cannot be mixed with X25519 recipients');
  }
  if (fileKey.length !== 16) throw fail('E_USAGE', 'file key must be 16 bytes');
  const stanzas: Stanza[] = recipients.flatMap((r) => r.wrap(fileKey));
  const header = serializeHeader(stanzas, headerMac(fileKey, serializeHeaderNoMac(stanzas)));
  return { fileKey, header, nonce: new Uint8Array(randomBytes(PAYLOAD_NONCE_SIZE)) };
}

/** Binary or armored age encryption as a push machine. */
export class Encryptor {
  private readonly sealer: StreamSealer;
  private readonly armor: ArmorEncoder | undefined;
  private prefix: Uint8Array | undefined;

  constructor(recipients: readonly Recipient[], options: EncryptOptions = {}) {
    const { fileKey, header, nonce } = buildHeader(recipients, options.fileKey);
    this.sealer = new StreamSealer(payloadKey(fileKey, nonce));
    this.armor = options.armor === true ? new ArmorEncoder() : undefined;
    this.prefix = Buffer.concat([header, nonce]);
  }

  push(data: Uint8Array): Uint8Array[] {
    return this.out(this.sealer.push(data));
  }

  end(): Uint8Array[] {
    const sealed = this.out(this.sealer.end());
    if (this.armor === undefined) return sealed;
    return [...sealed, Buffer.from(this.armor.end())];
  }

  private out(parts: Uint8Array[]): Uint8Array[] {
    if (this.prefix !== undefined) {
      parts.unshift(this.prefix);
      this.prefix = undefined;
    }
    if (this.armor === undefined) return parts;
    const text = parts.map((p) => (this.armor as ArmorEncoder).push(p)).join('');
    return text === '' ? [] : [Buffer.from(text)];
  }
}

/**
 * An identity that knows the file key already: lets the encrypting side
 * verify its own ciphertext (header MAC and every chunk) without a secret key.
 */
export class KnownFileKey implements Identity {
  private readonly fileKey: Uint8Array;
  constructor(fileKey: Uint8Array) {
    this.fileKey = fileKey;
  }
  unwrap(): Uint8Array {
    return this.fileKey;
  }
}

/** Encrypts a whole buffer in memory. */
export function encryptBytes(plaintext: Uint8Array, recipients: readonly Recipient[], options: EncryptOptions = {}): Uint8Array {
  const e = new Encryptor(recipients, options);
  return new Uint8Array(Buffer.concat([...e.push(plaintext), ...e.end()]));
}

/** Encrypts a stream in constant memory, yielding age bytes. */
export async function* encryptStream(
  source: AsyncIterable<Uint8Array>,
  recipients: readonly Recipient[],
  options: EncryptOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const e = new Encryptor(recipients, options);
  for await (const chunk of source) yield* e.push(chunk);
  yield* e.end();
}
