/**
 * Entry data on demand, bounded: stored entries are a window on the file
 * (no copy), deflated ones are inflated with a hard output limit. bzip2
 * and LZMA entries, which Python's zipfile reads (so numpy.load of an .npz
 * and Keras of a .keras do) though PyTorch's miniz does not, are decoded by
 * the project's own bounded decoders. Other methods (zstd, xz, AES) are
 * `E_UNSUPPORTED`.
 */
import { byteAt, u16leAt } from '../../bytes/at.js';
import { crc32, constants, inflateRawSync } from 'node:zlib';
import { ByteReader } from '../../bytes/reader.js';
import { BufferSource, SliceSource, type ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import { BZIP2_CODEC } from '../../codecs/bzip2.js';
import { newState } from '../../codecs/codec.js';
import { LzmaDecoder, RangeDecoder, lzmaProps } from '../../codecs/lzma.js';
import { BoundedOutput } from '../../codecs/output.js';
import type { ZipEntry } from './archive.js';

export const METHOD_STORED = 0;
export const METHOD_DEFLATE = 8;
export const METHOD_BZIP2 = 12;
export const METHOD_LZMA = 14;
/** General purpose flag bit 1 with method 14: the LZMA data ends with an end-of-stream marker. */
const FLAG_LZMA_EOS = 2;

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

/**
 * Decodes a bzip2 (method 12) or LZMA (method 14) entry into at most `cap`
 * bytes. An LZMA entry is APPNOTE 5.8.8's layout: LZMA SDK version (2
 * bytes), properties size (2 bytes, 5), the properties, then raw LZMA1
 * data, ending at the declared size or at an end marker when flag bit 1
 * says so; zipfile likewise stops at the declared size.
 */
function decodeOther(data: Uint8Array, e: ZipEntry, out: BoundedOutput): void {
  if (e.method === METHOD_BZIP2) {
    BZIP2_CODEC.decode(data, out, newState());
    return;
  }
  if (data.length < 9) throw new ModelguardError('E_TRUNCATED', `entry ${e.name}: LZMA header cut short`, { offset: e.dataOffset });
  const propsSize = u16leAt(data, 2, e.dataOffset);
  if (propsSize !== 5)
    throw new ModelguardError('E_MALFORMED', `entry ${e.name}: LZMA properties of ${propsSize} bytes (5 expected)`, { offset: e.dataOffset + 2 });
  const props = lzmaProps(byteAt(data, 4, e.dataOffset), e.dataOffset + 4);
  const header = new ByteReader(data, e.dataOffset);
  header.seek(5);
  const dictSize = header.u32le('LZMA dictionary size');
  const rc = new RangeDecoder(data, 9, data.length);
  const eos = (e.flags & FLAG_LZMA_EOS) !== 0;
  new LzmaDecoder(props, dictSize, 0).decode(rc, out, eos ? undefined : Math.min(e.uncompressedSize, out.remaining), eos);
}

function decodesOther(e: ZipEntry): boolean {
  return e.method === METHOD_BZIP2 || e.method === METHOD_LZMA;
}

/** The entry's uncompressed bytes as a source. */
export function entrySource(src: ByteSource, e: ZipEntry, limits: InflateLimits): ByteSource {
  if (e.method === METHOD_STORED) return new SliceSource(src, e.dataOffset, e.compressedSize);
  if (e.method === METHOD_DEFLATE || decodesOther(e)) {
    const cap = Math.min(limits.maxInflatedBytes, Math.max(e.compressedSize * limits.maxInflateRatio, 1 << 20));
    if (e.uncompressedSize > cap) {
      throw new ModelguardError('E_LIMIT', `entry ${e.name} declares ${e.uncompressedSize} bytes from ${e.compressedSize} compressed (limit ${cap})`);
    }
    if (e.method === METHOD_DEFLATE) return new BufferSource(inflateBounded(src.read(e.dataOffset, e.compressedSize), cap, `entry ${e.name}`));
    const out = new BoundedOutput(cap, `entry ${e.name}`);
    decodeOther(src.read(e.dataOffset, e.compressedSize), e, out);
    return new BufferSource(out.bytes());
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
  if (decodesOther(e)) {
    // Whole blocks come out at once (bzip2: up to 900 kB); keep what fits and stop there.
    const out = new BoundedOutput(Math.max(n, 1 << 20), `head of entry ${e.name}`);
    try {
      decodeOther(src.read(e.dataOffset, Math.min(e.compressedSize, 4 << 20)), e, out);
    } catch {
      // What was decoded before the error or the cap is the head.
    }
    return out.bytes().subarray(0, n);
  }
  return new Uint8Array(0);
}

/** CRC-32 of a source's bytes, read in chunks. */
export function crcOf(s: ByteSource): number {
  let c = 0;
  for (let off = 0; off < s.size; off += 1 << 20) c = crc32(s.read(off, Math.min(1 << 20, s.size - off)), c);
  return c >>> 0;
}
