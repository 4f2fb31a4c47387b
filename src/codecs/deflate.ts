/**
 * Deflate through node:zlib (gzip members, zlib streams), bounded by the
 * output's remaining room. zlib's one-shot calls do not return what they
 * decoded before an error, but Python's readers do hand that out, so on a
 * truncated or corrupt stream the longest cleanly decodable prefix is
 * recovered (SYNC_FLUSH on shorter and shorter inputs).
 */
import { u32beAt } from '../bytes/at.js';
import { constants, inflateRawSync, inflateSync, type ZlibOptions } from 'node:zlib';
import { ModelguardError } from '../errors.js';
import { inflateRaw } from './inflate.js';
import type { BoundedOutput } from './output.js';

export type DeflateWrapper = 'raw' | 'zlib';

/** Decodes attempted while searching for the longest decodable prefix of a corrupt stream (CWE-400). */
const MAX_SALVAGE_STEPS = 24;

interface Inflated {
  data: Uint8Array;
  /** Input bytes consumed up to the end of the stream. */
  used: number;
}

function run(input: Uint8Array, wrapper: DeflateWrapper, max: number, partial: boolean): Inflated {
  const opts: ZlibOptions & { info: true } = { info: true, maxOutputLength: Math.max(1, max) };
  if (partial) opts.finishFlush = constants.Z_SYNC_FLUSH;
  const r = (wrapper === 'raw' ? inflateRawSync(input, opts) : inflateSync(input, opts)) as unknown as {
    buffer: Buffer;
    engine: { bytesWritten: number };
  };
  return { data: new Uint8Array(r.buffer.buffer, r.buffer.byteOffset, r.buffer.byteLength), used: r.engine.bytesWritten };
}

function isTooLarge(e: unknown): boolean {
  return e instanceof RangeError || (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
}

/** The longest prefix of `input` that decodes without error, decoded (empty if none). */
function salvage(input: Uint8Array, wrapper: DeflateWrapper, max: number): Uint8Array {
  let lo = 0;
  let hi = input.length;
  let best: Uint8Array = new Uint8Array(0);
  for (let step = 0; step < MAX_SALVAGE_STEPS && lo < hi; step++) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      best = run(input.subarray(0, mid), wrapper, max, true).data;
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return best;
}

/** Bytes of a bomb's output recovered for scanning (each attempt below decodes at most this much). */
const MAX_BOMB_PREFIX = 64 * 1024 * 1024;

/**
 * Output of the longest input prefix (growing by doubling) whose output fits
 * in `max` bytes: zlib's one-shot calls return nothing once the output
 * limit is hit.
 */
function prefixWithin(input: Uint8Array, wrapper: DeflateWrapper, max: number): Uint8Array {
  let best: Uint8Array = new Uint8Array(0);
  for (let k = 4096; ; k *= 2) {
    const n = Math.min(k, input.length);
    try {
      best = run(input.subarray(0, n), wrapper, max, true).data;
    } catch {
      break;
    }
    if (n === input.length) break;
  }
  return best;
}

/**
 * Inflates one stream starting at `input[0]` into `out`; returns the input
 * bytes it used. A stream that ends early or breaks puts its decodable
 * prefix into `out`, then throws `E_TRUNCATED` / `E_MALFORMED` at `base`.
 */
/**
 * zlib's one-shot output ceiling: above it a stream is decoded by the
 * streaming decoder (`inflate.ts`) instead, since a one-shot call holds the
 * whole output twice (chunks, then their concatenation) (CWE-400).
 */
export const ONE_SHOT_MAX = 32 * 1024 * 1024;

/** Adler-32 of the output from `from` on (read in chunks: it may be on disk). */
function adler32(out: BoundedOutput, from: number): number {
  let a = 1;
  let b = 0;
  out.feed(from, (d) => {
    for (let i = 0; i < d.length;) {
      const end = Math.min(d.length, i + 3800);
      for (const byte of d.subarray(i, end)) {
        a += byte;
        b += a;
      }
      i = end;
      a %= 65521;
      b %= 65521;
    }
  });
  return ((b << 16) | a) >>> 0;
}

/** The streaming path: raw deflate straight into `out` (a zlib wrapper's header and Adler-32 handled here). */
function inflateStreaming(input: Uint8Array, wrapper: DeflateWrapper, out: BoundedOutput, base: number, what: string): number {
  const skip = wrapper === 'zlib' ? 2 : 0;
  const from = out.length;
  let used: number;
  try {
    used = skip + inflateRaw(input.subarray(skip), out, base + skip);
  } catch (e) {
    if (e instanceof ModelguardError && e.code !== 'E_LIMIT') {
      throw new ModelguardError(e.code, `${what}: ${e.message}`, { ...(e.offset === undefined ? {} : { offset: e.offset }), cause: e });
    }
    throw e;
  }
  if (wrapper === 'zlib') {
    if (used + 4 > input.length) throw new ModelguardError('E_TRUNCATED', `${what} ends before its Adler-32`, { offset: base + used });
    const stored = u32beAt(input, used, base);
    if (adler32(out, from) !== stored) throw new ModelguardError('E_MALFORMED', `${what}: incorrect data check (Adler-32)`, { offset: base + used });
    used += 4;
  }
  return used;
}

export function inflateStream(input: Uint8Array, wrapper: DeflateWrapper, out: BoundedOutput, base: number, what: string): number {
  const room = out.remaining;
  try {
    const r = run(input, wrapper, Math.min(room, ONE_SHOT_MAX), false);
    out.append(r.data);
    return r.used;
  } catch (e) {
    if (isTooLarge(e) && room > ONE_SHOT_MAX) return inflateStreaming(input, wrapper, out, base, what);
    if (isTooLarge(e)) {
      // A bomb: what it decodes to before the ceiling is scanned all the same
      // (a payload usually sits in front of the padding).
      out.append(prefixWithin(input, wrapper, Math.min(room, MAX_BOMB_PREFIX)));
      out.reserve(room + 1); // throws E_LIMIT with the output's reason
      throw e;
    }
    const code = (e as NodeJS.ErrnoException).code;
    const truncated = code === 'Z_BUF_ERROR';
    let prefix: Uint8Array;
    try {
      prefix = truncated ? run(input, wrapper, room, true).data : salvage(input, wrapper, room);
    } catch (e2) {
      if (isTooLarge(e2)) out.reserve(room + 1);
      prefix = new Uint8Array(0);
    }
    out.append(prefix);
    throw new ModelguardError(
      truncated ? 'E_TRUNCATED' : 'E_MALFORMED',
      truncated ? `${what} ends before its end-of-stream marker` : `${what}: invalid deflate data (${(e as Error).message})`,
      { offset: base, cause: e },
    );
  }
}
