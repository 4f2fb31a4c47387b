/**
 * Entry data on demand, bounded: stored entries are a window on the file
 * (no copy), deflated ones are inflated with a hard output limit. Other
 * methods (bzip2, lzma, zstd, AES) are `E_UNSUPPORTED`.
 */
import { crc32, constants, inflateRawSync } from 'node:zlib';
import { BufferSource, SliceSource, type ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import type { ZipEntry } from './archive.js';

export const METHOD_STORED = 0;
export const METHOD_DEFLATE = 8;

const METHOD_NAMES: Record<number, string> = {
  12: 'bzip2',
  14: 'lzma',
  93: 'zstd',
  95: 'xz',
  98: 'ppmd',
  99: 'AES encryption',
};

export function methodName(m: number): string {
  return m === METHOD_STORED ? 'stored' : m === METHOD_DEFLATE ? 'deflate' : (METHOD_NAMES[m] ?? `method ${m}`);
}

export interface InflateLimits {
  maxInflatedBytes: number;
  maxInflateRatio: number;
}

/** Inflates raw deflate data, refusing output over `max` bytes. */
export function inflateBounded(data: Uint8Array, max: number, what: string): Uint8Array {
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, max) });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new ModelguardError('E_LIMIT', `${what} inflates to more than ${max} bytes`, { cause: e });
    }
    throw new ModelguardError('E_MALFORMED', `${what}: invalid deflate data (${(e as Error).message})`, { cause: e });
  }
}

/** The entry's uncompressed bytes as a source. */
export function entrySource(src: ByteSource, e: ZipEntry, limits: InflateLimits): ByteSource {
  if (e.method === METHOD_STORED) return new SliceSource(src, e.dataOffset, e.compressedSize);
  if (e.method === METHOD_DEFLATE) {
    const cap = Math.min(limits.maxInflatedBytes, Math.max(e.compressedSize * limits.maxInflateRatio, 1 << 20));
    if (e.uncompressedSize > cap) {
      throw new ModelguardError(
        'E_LIMIT',
        `entry ${e.name} declares ${e.uncompressedSize} bytes from ${e.compressedSize} compressed (limit ${cap})`,
      );
    }
    const out = inflateBounded(src.read(e.dataOffset, e.compressedSize), cap, `entry ${e.name}`);
    return new BufferSource(out);
  }
  throw new ModelguardError('E_UNSUPPORTED', `entry ${e.name} uses ${methodName(e.method)} compression`);
}

/** Up to `n` leading uncompressed bytes (cheap even for huge deflated entries). */
export function entryHead(src: ByteSource, e: ZipEntry, n: number): Uint8Array {
  if (e.method === METHOD_STORED) return src.read(e.dataOffset, Math.min(n, e.compressedSize));
  if (e.method === METHOD_DEFLATE) {
    const chunk = src.read(e.dataOffset, Math.min(e.compressedSize, Math.max(64 * 1024, n)));
    try {
      const out = inflateRawSync(chunk, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: Math.max(n, 1 << 20) });
      return out.subarray(0, n);
    } catch {
      return new Uint8Array(0);
    }
  }
  return new Uint8Array(0);
}

/** CRC-32 of a source's bytes, read in chunks. */
export function crcOf(s: ByteSource): number {
  let c = 0;
  for (let off = 0; off < s.size; off += 1 << 20) c = crc32(s.read(off, Math.min(1 << 20, s.size - off)), c);
  return c >>> 0;
}
