/**
 * The age payload STREAM: 64 KiB ChaCha20-Poly1305 chunks, nonce = 11-byte
 * big-endian counter || last-chunk flag.
 *
 * `StreamSealer` and `StreamOpener` are synchronous push machines, so the
 * same code serves whole buffers, async streams, one byte at a time and
 * random access. Both hold back one full chunk: a chunk is only known to be
 * non-final once more input follows it.
 *
 * The opener only ever returns plaintext whose tag verified. Chunk order is
 * bound by the counter, truncation by the last-chunk flag, so reordered,
 * dropped, duplicated or truncated chunks all fail with `E_AGE_PAYLOAD`.
 */
import { createCipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import { fail } from './errors.js';
import { chachaOpen, hkdf, TAG_SIZE } from './primitives.js';

export const CHUNK_SIZE = 64 * 1024;
export const ENC_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE;
export const PAYLOAD_NONCE_SIZE = 16;
/** 2^53 chunks is far beyond any file; counters stay exact JS integers. */
const MAX_COUNTER = Number.MAX_SAFE_INTEGER;

export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  return hkdf(fileKey, nonce, 'payload');
}

/** Writes the 12-byte chunk nonce for `counter` into `out`. */
export function chunkNonce(out: Uint8Array, counter: number, last: boolean): Uint8Array {
  if (!Number.isSafeInteger(counter) || counter < 0 || counter >= MAX_COUNTER) {
    throw fail('E_AGE_PAYLOAD', `chunk counter ${counter} out of range`);
  }
  out.fill(0, 0, 3);
  const hi = Math.floor(counter / 2 ** 32);
  const lo = counter >>> 0;
  out[3] = (hi >>> 24) & 0xff;
  out[4] = (hi >>> 16) & 0xff;
  out[5] = (hi >>> 8) & 0xff;
  out[6] = hi & 0xff;
  out[7] = (lo >>> 24) & 0xff;
  out[8] = (lo >>> 16) & 0xff;
  out[9] = (lo >>> 8) & 0xff;
  out[10] = lo & 0xff;
  out[11] = last ? 1 : 0;
  return out;
}

/** Encrypts one chunk; returns [ciphertext, tag] (two views, no concatenation). */
export function sealChunk(key: KeyObject, counter: number, last: boolean, plaintext: Uint8Array): [Buffer, Buffer] {
  const nonce = chunkNonce(new Uint8Array(12), counter, last);
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE });
  const ct = c.update(plaintext);
  c.final();
  return [ct, c.getAuthTag()];
}

/** Decrypts one sealed chunk (ciphertext || tag); `undefined` if it does not authenticate. */
export function openChunk(key: KeyObject, counter: number, last: boolean, sealed: Uint8Array): Buffer | undefined {
  return chachaOpen(key, chunkNonce(new Uint8Array(12), counter, last), sealed);
}

/**
 * A one-chunk hold-back buffer. `feed` calls `emit` for every full chunk that
 * is known to be followed by more input, without copying input that arrives
 * in large pieces; the last (possibly full) chunk stays held until `take`.
 */
class HoldBack {
  private readonly buf: Uint8Array;
  private fill = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
  }

  feed(data: Uint8Array, emit: (chunk: Uint8Array) => void): void {
    const size = this.buf.length;
    let pos = 0;
    while (pos < data.length) {
      if (this.fill === size) {
        // More input follows a full held chunk: it is not the last one.
        emit(this.buf);
        this.fill = 0;
      }
      if (this.fill === 0 && data.length - pos > size) {
        emit(data.subarray(pos, pos + size));
        pos += size;
        continue;
      }
      const n = Math.min(size - this.fill, data.length - pos);
      this.buf.set(data.subarray(pos, pos + n), this.fill);
      this.fill += n;
      pos += n;
    }
  }

  /** The held bytes (a view, valid until the next `feed`). */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.fill);
    this.fill = 0;
    return out;
  }
}

/** Incremental STREAM encryption. `push` returns sealed bytes ready to write. */
export class StreamSealer {
  private readonly key: KeyObject;
  private readonly hold = new HoldBack(CHUNK_SIZE);
  private counter = 0;
  private ended = false;

  constructor(payloadKey: Uint8Array) {
    this.key = createSecretKey(payloadKey);
  }

  /** Number of chunks sealed so far. */
  get chunks(): number {
    return this.counter;
  }

  push(data: Uint8Array): Buffer[] {
    if (this.ended) throw fail('E_USAGE', 'push after end');
    const out: Buffer[] = [];
    this.hold.feed(data, (chunk) => {
      out.push(...sealChunk(this.key, this.counter++, false, chunk));
    });
    return out;
  }

  /** Seals the final chunk (empty only if the whole payload is empty). */
  end(): Buffer[] {
    if (this.ended) throw fail('E_USAGE', 'end called twice');
    this.ended = true;
    return sealChunk(this.key, this.counter++, true, this.hold.take());
  }
}

/**
 * Incremental STREAM decryption. Everything returned has been authenticated.
 *
 * Full-size chunks are opened as soon as they are complete, first as a
 * middle chunk, then as a full-size final chunk; only a short chunk is held
 * until `end`. So released plaintext is exactly what the reference
 * implementation releases. When a failure is found after some plaintext of
 * the same `push` was authenticated, that plaintext is returned and the
 * error is thrown by the next `push` or `end`: callers that stop early must
 * still call `end` to learn whether the payload was complete.
 */
export class StreamOpener {
  private readonly key: KeyObject;
  private readonly buf = new Uint8Array(ENC_CHUNK_SIZE);
  private fill = 0;
  private counter = 0;
  private finalSeen = false;
  private deferred: { error: unknown } | undefined = undefined;
  private ended = false;

  constructor(payloadKey: Uint8Array) {
    this.key = createSecretKey(payloadKey);
  }

  /** Number of chunks verified so far. */
  get chunks(): number {
    return this.counter;
  }

  push(data: Uint8Array): Buffer[] {
    this.check();
    const out: Buffer[] = [];
    try {
      let pos = 0;
      while (pos < data.length) {
        if (this.finalSeen) throw fail('E_AGE_PAYLOAD', `data follows the final chunk ${this.counter - 1}`);
        if (this.fill === 0 && data.length - pos >= ENC_CHUNK_SIZE) {
          out.push(this.openFull(data.subarray(pos, pos + ENC_CHUNK_SIZE)));
          pos += ENC_CHUNK_SIZE;
          continue;
        }
        const n = Math.min(ENC_CHUNK_SIZE - this.fill, data.length - pos);
        this.buf.set(data.subarray(pos, pos + n), this.fill);
        this.fill += n;
        pos += n;
        if (this.fill === ENC_CHUNK_SIZE) {
          this.fill = 0;
          out.push(this.openFull(this.buf));
        }
      }
    } catch (e) {
      if (out.length === 0) throw e;
      this.deferred = { error: e };
    }
    return out;
  }

  /** Opens the held short final chunk; throws unless the payload ended with a valid final chunk. */
  end(): Buffer[] {
    this.check();
    this.ended = true;
    if (this.finalSeen) return [];
    const last = this.buf.subarray(0, this.fill);
    if (last.length === 0 && this.counter > 0) {
      throw fail('E_AGE_PAYLOAD', `payload ends on a chunk boundary after chunk ${this.counter - 1} without a final chunk (truncated)`);
    }
    return [openFinal(this.key, this.counter++, last)];
  }

  private check(): void {
    if (this.deferred !== undefined) {
      const e = this.deferred.error;
      this.deferred = undefined;
      this.ended = true;
      throw e;
    }
    if (this.ended) throw fail('E_USAGE', 'stream already ended');
  }

  private openFull(sealed: Uint8Array): Buffer {
    let pt = openChunk(this.key, this.counter, false, sealed);
    if (pt === undefined) {
      pt = openChunk(this.key, this.counter, true, sealed);
      if (pt === undefined) {
        throw fail('E_AGE_PAYLOAD', `chunk ${this.counter} failed to authenticate (flipped, reordered or dropped chunk)`);
      }
      this.finalSeen = true;
    }
    this.counter++;
    return pt;
  }
}

/** Opens `last` as the final chunk number `counter`, with the checks the spec requires. */
export function openFinal(key: KeyObject, counter: number, last: Uint8Array): Buffer {
  if (last.length === 0) {
    throw fail('E_AGE_PAYLOAD', counter === 0 ? 'payload has no chunks' : `payload ends after chunk ${counter - 1} without a final chunk`);
  }
  if (last.length < TAG_SIZE) throw fail('E_AGE_PAYLOAD', `chunk ${counter} truncated (${last.length} bytes)`);
  if (last.length === TAG_SIZE && counter > 0) throw fail('E_AGE_PAYLOAD', 'final chunk is empty but the payload is not');
  const pt = openChunk(key, counter, true, last);
  if (pt === undefined) {
    const why = openChunk(key, counter, false, last) !== undefined ? 'the payload is truncated after it (no last-chunk flag)' : 'failed to authenticate';
    throw fail('E_AGE_PAYLOAD', `final chunk ${counter}: ${why}`);
  }
  return pt;
}

/** Plaintext size of a payload of `n` encrypted bytes (after the nonce), or `undefined` if impossible. */
export function plaintextSize(n: number): number | undefined {
  if (n < TAG_SIZE) return undefined;
  const full = Math.floor(n / ENC_CHUNK_SIZE);
  const rest = n % ENC_CHUNK_SIZE;
  if (rest === 0) return n - full * TAG_SIZE;
  if (rest < TAG_SIZE) return undefined;
  if (rest === TAG_SIZE && full > 0) return undefined;
  return n - (full + 1) * TAG_SIZE;
}
