/**
 * age decryption as a synchronous push machine, and async wrappers.
 *
 * Steps, in the order the spec and the test vectors require:
 *   1. parse the header strictly           (E_AGE_HEADER / E_AGE_LIMIT)
 *   2. find an identity that unwraps a stanza (E_AGE_NO_IDENTITY)
 *   3. verify the header MAC with that key   (E_AGE_MAC)
 *   4. read the 16-byte nonce, open the STREAM (E_AGE_PAYLOAD)
 * Plaintext leaves `push` only after its chunk's tag verified; the file is
 * complete only when `end` returns without throwing.
 */
import { fail } from './errors.js';
import { ArmorDecoder, looksArmored } from './armor.js';
import { findHeaderEnd, parseHeader, verifyHeaderMac, type Header } from './format.js';
import type { Identity } from './recipient.js';
import { PAYLOAD_NONCE_SIZE, payloadKey, StreamOpener } from './stream.js';

/** Unwraps the file key from a parsed header with the first identity that matches, and checks the MAC. */
export function unwrapHeader(header: Header, identities: readonly Identity[]): Uint8Array {
  if (identities.length === 0) throw fail('E_USAGE', 'no identities given');
  if (header.stanzas.some((s) => s.args[0] === 'scrypt') && header.stanzas.length !== 1) {
    throw fail('E_AGE_HEADER', 'an scrypt stanza must be alone in the header');
  }
  for (const id of identities) {
    const fileKey = id.unwrap(header.stanzas);
    if (fileKey === undefined) continue;
    if (fileKey.length !== 16) throw fail('E_AGE_HEADER', 'unwrapped file key is not 16 bytes');
    verifyHeaderMac(header, fileKey);
    return fileKey;
  }
  throw fail('E_AGE_NO_IDENTITY', "no identity matched any of the file's recipients");
}

/** A growable byte buffer for the header and nonce (small, bounded by MAX_HEADER_SIZE). */
class Accumulator {
  bytes = new Uint8Array(4096);
  length = 0;
  append(data: Uint8Array): void {
    if (this.length + data.length > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + data.length));
      next.set(this.bytes.subarray(0, this.length));
      this.bytes = next;
    }
    this.bytes.set(data, this.length);
    this.length += data.length;
  }
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

export interface DecryptInfo {
  readonly header: Header;
  /** Offset of the first payload chunk in the (de-armored) input. */
  readonly payloadOffset: number;
}

/** Binary (de-armored) age decryption, fed bytes in any pieces. */
export class AgeDecryptor {
  private readonly identities: readonly Identity[];
  private acc: Accumulator | undefined = new Accumulator();
  private scanned = 0;
  private header: Header | undefined;
  private fileKey: Uint8Array | undefined;
  private opener: StreamOpener | undefined;
  private done = false;

  constructor(identities: readonly Identity[]) {
    if (identities.length === 0) throw fail('E_USAGE', 'no identities given');
    this.identities = identities;
  }

  /** Header information, once the header has been read and verified. */
  get info(): DecryptInfo | undefined {
    return this.header === undefined ? undefined : { header: this.header, payloadOffset: this.header.size + PAYLOAD_NONCE_SIZE };
  }

  push(data: Uint8Array): Buffer[] {
    if (this.done) throw fail('E_USAGE', 'push after end');
    if (this.opener !== undefined) return this.opener.push(data);
    const acc = this.acc as Accumulator;
    acc.append(data);
    const buf = acc.view();
    if (this.header === undefined) {
      const end = findHeaderEnd(buf, this.scanned);
      this.scanned = Math.max(0, buf.lastIndexOf(0x0a));
      if (end === undefined) return [];
      this.header = parseHeader(buf.subarray(0, end));
      this.fileKey = unwrapHeader(this.header, this.identities);
    }
    const start = this.header.size;
    if (buf.length < start + PAYLOAD_NONCE_SIZE) return [];
    const nonce = buf.slice(start, start + PAYLOAD_NONCE_SIZE);
    this.opener = new StreamOpener(payloadKey(this.fileKey as Uint8Array, nonce));
    this.acc = undefined;
    return this.opener.push(buf.subarray(start + PAYLOAD_NONCE_SIZE));
  }

  /** Verifies the final chunk and returns its plaintext. Throws if the input is incomplete. */
  end(): Buffer[] {
    if (this.done) throw fail('E_USAGE', 'end called twice');
    this.done = true;
    if (this.header === undefined) {
      const len = this.acc?.length ?? 0;
      if (len > 0) findHeaderEnd((this.acc as Accumulator).view());
      throw fail('E_AGE_HEADER', len === 0 ? 'empty input' : 'input ends inside the header');
    }
    if (this.opener === undefined) throw fail('E_AGE_HEADER', 'input ends before the payload nonce');
    return this.opener.end();
  }
}

/** CWE-400: whitespace allowed before an armored file while the format is undecided. */
const MAX_LEADING_SPACE = 64 * 1024;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * Full decryption (binary or armored, detected from the first bytes) as a
 * push machine. The de-armoring step runs first when needed.
 */
export class Decryptor {
  private readonly inner: AgeDecryptor;
  private armor: ArmorDecoder | undefined | null = undefined;
  /** Leading whitespace seen before the format could be told (armor may follow). */
  private lead: Uint8Array[] = [];
  /** An error raised while releasing plaintext, re-thrown on the next call (boxed: a thrown value may be anything). */
  private deferred: { error: unknown } | undefined = undefined;

  constructor(identities: readonly Identity[]) {
    this.inner = new AgeDecryptor(identities);
  }

  get info(): DecryptInfo | undefined {
    return this.inner.info;
  }

  push(data: Uint8Array): Buffer[] {
    if (this.deferred !== undefined) throw this.deferred.error;
    if (data.length === 0) return [];
    if (this.armor === undefined) {
      const leadLen = this.lead.reduce((n, b) => n + b.length, 0) + data.length;
      if (data.every(isSpace) && leadLen <= MAX_LEADING_SPACE) {
        this.lead.push(data);
        return [];
      }
      data = Buffer.concat([...this.lead, data]);
      this.lead = [];
      this.armor = looksArmored(data) ? new ArmorDecoder() : null;
    }
    if (this.armor === null) return this.inner.push(data);
    const out: Buffer[] = [];
    try {
      for (const d of this.armor.push(data)) out.push(...this.inner.push(d));
    } catch (e) {
      // Authenticated plaintext already produced is released; the error comes next call.
      if (out.length === 0) throw e;
      this.deferred = { error: e };
    }
    return out;
  }

  end(): Buffer[] {
    if (this.deferred !== undefined) throw this.deferred.error;
    const out: Buffer[] = [];
    if (this.armor === undefined && this.lead.length > 0) {
      out.push(...this.inner.push(Buffer.concat(this.lead)));
    }
    if (this.armor) for (const d of this.armor.end()) out.push(...this.inner.push(d));
    out.push(...this.inner.end());
    return out;
  }
}

/** Decrypts a whole age file (binary or armored) in memory. */
export function decryptBytes(file: Uint8Array, identities: readonly Identity[]): Uint8Array {
  const d = new Decryptor(identities);
  const parts = [...d.push(file), ...d.end()];
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * Decrypts a stream of age bytes, yielding authenticated plaintext. The
 * generator throws at the end if the file is truncated or tampered with:
 * consumers must treat what they received as incomplete until it returns.
 */
export async function* decryptStream(source: AsyncIterable<Uint8Array>, identities: readonly Identity[]): AsyncGenerator<Uint8Array, void, undefined> {
  const d = new Decryptor(identities);
  for await (const chunk of source) yield* d.push(chunk);
  yield* d.end();
}
