/**
 * Legacy `.lzma` ("LZMA alone") files: what joblib writes for
 * `compress='lzma'` (and recognises by its first bytes `5D 00`), and
 * `lzma.open(format=FORMAT_ALONE)`. A 13-byte header (properties,
 * dictionary size, uncompressed size or -1), then one LZMA stream; Python
 * tries to read another stream after it and stops quietly if none parses.
 */
import { ByteReader } from '../bytes/reader.js';
import { ModelguardError } from '../errors.js';
import type { Codec, DecodeState } from './codec.js';
import { LzmaDecoder, RangeDecoder, lzmaProps } from './lzma.js';
import type { BoundedOutput } from './output.js';

const HEADER = 13;
/** liblzma's alone decoder rejects known sizes of 256 GiB and more. */
const MAX_KNOWN_SIZE = 2n ** 38n;

interface AloneHeader {
  props: number;
  dictSize: number;
  /** Undefined when the header says -1 (the stream ends with an end marker). */
  size: bigint | undefined;
}

function header(b: Uint8Array, at: number): AloneHeader | undefined {
  if (b.length - at < HEADER) return undefined;
  const r = new ByteReader(b.subarray(at, at + HEADER), at);
  const props = r.u8();
  const dictSize = r.u32le();
  const size = r.u64le();
  if (props >= 225) return undefined;
  if (size !== 0xffffffffffffffffn && size >= MAX_KNOWN_SIZE) return undefined;
  return { props, dictSize, size: size === 0xffffffffffffffffn ? undefined : size };
}

/** Decodes one stream at `pos`; returns the offset after it. */
function decodeStream(input: Uint8Array, pos: number, h: AloneHeader, out: BoundedOutput): number {
  const rc = new RangeDecoder(input, pos + HEADER, input.length);
  const dec = new LzmaDecoder(lzmaProps(h.props, pos), h.dictSize, out.length);
  const ended = dec.decode(rc, out, h.size === undefined ? undefined : Number(h.size), true);
  if (h.size === undefined && !ended) throw new ModelguardError('E_MALFORMED', 'lzma: stream without an end marker', { offset: rc.pos });
  return rc.pos;
}

function decodeAlone(input: Uint8Array, out: BoundedOutput, state: DecodeState): void {
  let pos = 0;
  while (pos < input.length) {
    const h = header(input, pos);
    if (h === undefined) {
      if (state.streams > 0) return; // Python: a failed next stream is the end
      throw new ModelguardError('E_MALFORMED', 'lzma: not an LZMA-alone header', { offset: pos });
    }
    if (h.size !== undefined && h.size > BigInt(out.remaining)) {
      throw new ModelguardError('E_LIMIT', `lzma header declares ${h.size} bytes; output passes ${out.max} bytes (${out.why})`, { offset: pos });
    }
    const before = out.length;
    try {
      pos = decodeStream(input, pos, h, out);
    } catch (e) {
      if (state.streams === 0 || (e instanceof ModelguardError && e.code === 'E_LIMIT')) throw e;
      out.truncate(before); // Python: a later stream that fails to decode is discarded
      return;
    }
    state.streams++;
    state.consumed = pos;
  }
}

export const LZMA_CODEC: Codec = {
  id: 'lzma',
  title: 'LZMA (alone)',
  suffixes: [
    ['.tlz', '.tar'],
    ['.lzma', ''],
  ],
  decode: decodeAlone,
  sniff,
};

/**
 * No magic number: a plausible header, then a range coder whose first byte
 * is zero. Joblib itself only checks `5D 00`; we accept any properties byte
 * but require the rest to parse.
 */
function sniff(head: Uint8Array): boolean {
  const h = header(head, 0);
  if (h === undefined || head[HEADER] !== 0) return false;
  // Dictionary sizes real encoders write: 2^n or 2^n + 2^(n-1), at least 4 KiB.
  const d = h.dictSize;
  const pow = d > 0 && (d & (d - 1)) === 0;
  const pow15 = d % 3 === 0 && ((d / 3) & (d / 3 - 1)) === 0;
  return d >= 4096 && (pow || pow15);
}
