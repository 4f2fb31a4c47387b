/**
 * Zstandard (RFC 8878), as Python's `zstandard` reads it (`pandas.read_pickle`
 * of `.zst`, `joblib` `compress='zstd'`, `.tar.zst`, `.jsonl.zst` shards):
 * frames and skippable frames back to back. Each frame's window is checked
 * against the limit the reference decoder applies by default (frames that
 * need more are refused by `zstd -d` and python-zstandard alike), its
 * blocks against the block maximum, its content size against the output
 * budget before decoding; the content checksum and declared size are
 * verified after the data was produced. Frames that need a dictionary are
 * unsupported, never guessed at.
 */
import { ByteReader } from '../../bytes/reader.js';
import { ModelguardError } from '../../errors.js';
import type { Codec, DecodeState } from '../codec.js';
import { decodeFrames, SKIPPABLE_MAGIC, SKIPPABLE_MASK } from '../frames.js';
import type { BoundedOutput } from '../output.js';
import { Xxh64 } from '../xxh64.js';
import { readLiterals, type Huffman } from './literals.js';
import { executeSequences, type FrameState } from './sequences.js';

const FRAME_MAGIC = 0xfd2fb528;
/** Largest block (RFC 8878 §3.1.1.2.4). */
const BLOCK_MAX = 128 * 1024;
/**
 * Largest window a frame may need (CWE-400): 2^27, the reference decoder's
 * default `ZSTD_WINDOWLOG_LIMIT_DEFAULT`; larger windows need
 * `--long`/`--memory` or `max_window_size`, which loaders do not pass.
 */
export const MAX_WINDOW = 1 << 27;

function malformed(message: string, offset: number): never {
  throw new ModelguardError('E_MALFORMED', `zstd: ${message}`, { offset });
}

function frame(r: ByteReader, out: BoundedOutput, state: DecodeState): void {
  const at = r.offset - 4;
  const fhd = r.u8('zstd frame header');
  const single = (fhd & 0x20) !== 0;
  if ((fhd & 0x08) !== 0) malformed('reserved frame header bit set', at);
  const checksum = (fhd & 0x04) !== 0;
  const dictBytes = [0, 1, 2, 4][fhd & 3] ?? 0;
  const fcsBytes = [single ? 1 : 0, 2, 4, 8][fhd >>> 6] ?? 0;
  let window = 0;
  if (!single) {
    const wd = r.u8('zstd window descriptor');
    const log = 10 + (wd >>> 3);
    const wbase = 2 ** log;
    window = wbase + (wbase / 8) * (wd & 7);
  }
  let dict = 0;
  for (let i = 0; i < dictBytes; i++) dict += r.u8('zstd dictionary id') * 2 ** (8 * i);
  let size: number | undefined;
  if (fcsBytes === 8) {
    const v = r.u64le('zstd content size');
    size = v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  } else if (fcsBytes > 0) {
    size = 0;
    for (let i = 0; i < fcsBytes; i++) size += r.u8('zstd content size') * 2 ** (8 * i);
    if (fcsBytes === 2) size += 256;
  }
  if (single) window = size ?? 0;
  if (dict !== 0) throw new ModelguardError('E_UNSUPPORTED', `zstd frame needs dictionary ${dict}`, { offset: at });
  if (window > MAX_WINDOW) throw new ModelguardError('E_UNSUPPORTED', `zstd frame needs a window of ${window} bytes (limit ${MAX_WINDOW})`, { offset: at });
  if (size !== undefined && size > out.remaining) {
    throw new ModelguardError('E_LIMIT', `zstd frame declares ${size} bytes; output passes ${out.max} bytes (${out.why})`, { offset: at });
  }
  const f: FrameState = { start: out.length, window, blockMax: Math.min(window, BLOCK_MAX), rep: [1, 4, 8], ll: undefined, of: undefined, ml: undefined };
  let huffman: Huffman | undefined;
  for (let last = false; !last;) {
    const bat = r.offset;
    const h = r.u8('zstd block header') | (r.u8('zstd block header') << 8) | (r.u8('zstd block header') << 16);
    last = (h & 1) === 1;
    const type = (h >>> 1) & 3;
    const bsize = h >>> 3;
    if (type === 3) malformed('reserved block type', bat);
    if (bsize > f.blockMax) malformed(`block of ${bsize} bytes over the frame's maximum of ${f.blockMax}`, bat);
    if (type === 1) {
      out.append(new Uint8Array(bsize).fill(r.u8('zstd RLE byte')));
      continue;
    }
    const data = r.bytesView(bsize, 'zstd block');
    if (type === 0) {
      out.append(data);
      continue;
    }
    const lits = readLiterals(data, bat + 3, f.blockMax, huffman);
    huffman = lits.huffman;
    executeSequences(data, lits.end, bat + 3, lits.bytes, out, f);
  }
  const produced = out.length - f.start;
  if (checksum) {
    const x = new Xxh64();
    out.feed(f.start, (d) => {
      x.update(d);
    });
    if (r.u32le('zstd content checksum') !== x.digest32()) state.checksums.push(`frame at byte ${at}: content checksum mismatch`);
  }
  if (size !== undefined && produced !== size) state.checksums.push(`frame at byte ${at}: declares ${size} bytes, holds ${produced}`);
}

function decodeZstd(input: Uint8Array, out: BoundedOutput, state: DecodeState): void {
  decodeFrames({ name: 'zstd', magic: FRAME_MAGIC, frame }, input, out, state);
}

/** Whether `head` starts with a Zstandard frame, or with skippable frames followed by one. */
function sniff(head: Uint8Array): boolean {
  let p = 0;
  for (;;) {
    if (p + 4 > head.length) return false;
    const magic = (head[p] ?? 0) | ((head[p + 1] ?? 0) << 8) | ((head[p + 2] ?? 0) << 16) | ((head[p + 3] ?? 0) << 24);
    if (magic >>> 0 === FRAME_MAGIC) return true;
    if ((magic & SKIPPABLE_MASK) >>> 0 !== SKIPPABLE_MAGIC || p + 8 > head.length) return false;
    p += 8 + ((head[p + 4] ?? 0) | ((head[p + 5] ?? 0) << 8) | ((head[p + 6] ?? 0) << 16)) + (head[p + 7] ?? 0) * 2 ** 24;
  }
}

export const ZSTD_CODEC: Codec = {
  id: 'zstd',
  title: 'Zstandard',
  suffixes: [
    ['.zst', ''],
    ['.zstd', ''],
    ['.tzst', '.tar'],
  ],
  decode: decodeZstd,
  sniff,
};
