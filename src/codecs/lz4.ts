/**
 * LZ4 frames: what joblib writes for `compress='lz4'` (through the `lz4`
 * package's `lz4.frame`), recognised by the magic 04 22 4D 18. Frames and
 * skippable frames back to back; blocks at most the size the descriptor
 * declares (4 MiB), matches checked against the output of the frame and
 * the 64 KiB window; header, block and content checksums (xxHash32)
 * verified.
 */
import { ByteReader } from '../bytes/reader.js';
import { ModelguardError } from '../errors.js';
import type { Codec, DecodeState } from './codec.js';
import { decodeFrames } from './frames.js';
import type { BoundedOutput } from './output.js';
import { Xxh32, xxh32 } from './xxh32.js';

const FRAME_MAGIC = 0x184d2204;
const WINDOW = 65535;
const MIN_MATCH = 4;
const BLOCK_MAX: Readonly<Record<number, number>> = { 4: 1 << 16, 5: 1 << 18, 6: 1 << 20, 7: 1 << 22 };

function malformed(message: string, offset: number): never {
  throw new ModelguardError('E_MALFORMED', `lz4: ${message}`, { offset });
}

/** Decodes one compressed block `b` (at absolute `base`) into `out`; `frameStart` bounds matches. */
function block(b: Uint8Array, base: number, out: BoundedOutput, frameStart: number): void {
  const r = new ByteReader(b, base);
  for (;;) {
    const token = r.u8('lz4 token');
    let lit = token >>> 4;
    if (lit === 15) for (let x = 255; x === 255; lit += x) x = r.u8('lz4 literal length');
    out.append(r.bytesView(lit, 'lz4 literals'));
    if (r.remaining === 0) return; // the last sequence has literals only
    const at = r.offset;
    const dist = r.u16le('lz4 offset');
    let len = token & 15;
    if (len === 15) for (let x = 255; x === 255; len += x) x = r.u8('lz4 match length');
    if (dist === 0 || dist > Math.min(WINDOW, out.length - frameStart)) malformed(`match offset ${dist} outside the window`, at);
    out.copy(dist, len + MIN_MATCH);
  }
}

function frame(r: ByteReader, out: BoundedOutput, state: DecodeState): void {
  const start = r.offset - 4;
  const frameStart = out.length;
  const descStart = r.pos;
  const flg = r.u8('lz4 FLG');
  const bd = r.u8('lz4 BD');
  if (flg >>> 6 !== 1) malformed(`frame version ${flg >>> 6}`, start);
  if ((flg & 2) !== 0 || (bd & 0x8f) !== 0) malformed('reserved descriptor bits set', start);
  const blockMax = BLOCK_MAX[(bd >>> 4) & 7];
  if (blockMax === undefined) malformed('bad block maximum size', start);
  const blockChecksum = (flg & 0x10) !== 0;
  const contentChecksum = (flg & 4) !== 0;
  const contentSize = (flg & 8) !== 0 ? r.u64le('lz4 content size') : undefined;
  if ((flg & 1) !== 0) throw new ModelguardError('E_UNSUPPORTED', 'lz4 frame needs a preset dictionary', { offset: start });
  const hc = r.u8('lz4 header checksum');
  if (((xxh32(r.bytes.subarray(descStart, r.pos - 1)) >>> 8) & 0xff) !== hc) malformed('frame descriptor checksum mismatch', start);
  if (contentSize !== undefined && contentSize > BigInt(out.remaining)) {
    throw new ModelguardError('E_LIMIT', `lz4 frame declares ${contentSize} bytes; output passes ${out.max} bytes (${out.why})`, { offset: start });
  }
  for (;;) {
    const at = r.offset;
    const word = r.u32le('lz4 block size');
    if (word === 0) break;
    const raw = (word & 0x80000000) !== 0;
    const size = word & 0x7fffffff;
    if (size > blockMax) malformed(`block of ${size} bytes over the frame's ${blockMax}`, at);
    const data = r.bytesView(size, 'lz4 block');
    if (blockChecksum && r.u32le('lz4 block checksum') !== xxh32(data)) state.checksums.push(`block at byte ${at}: checksum mismatch`);
    if (raw) out.append(data);
    else block(data, at + 4, out, frameStart);
  }
  const produced = out.length - frameStart;
  if (contentChecksum) {
    const x = new Xxh32();
    out.feed(frameStart, (d) => {
      x.update(d);
    });
    if (r.u32le('lz4 content checksum') !== x.digest()) state.checksums.push(`frame at byte ${start}: content checksum mismatch`);
  }
  if (contentSize !== undefined && BigInt(produced) !== contentSize)
    state.checksums.push(`frame at byte ${start}: declares ${contentSize} bytes, holds ${produced}`);
}

function decodeLz4(input: Uint8Array, out: BoundedOutput, state: DecodeState): void {
  decodeFrames({ name: 'lz4', magic: FRAME_MAGIC, frame }, input, out, state);
}

export const LZ4_CODEC: Codec = {
  id: 'lz4',
  title: 'LZ4 frame',
  suffixes: [['.lz4', '']],
  decode: decodeLz4,
  sniff,
};

/** Whether `head` starts a stream of this codec (magic and a plausible header). */
function sniff(head: Uint8Array): boolean {
  const h = head;
  return h[0] === 0x04 && h[1] === 0x22 && h[2] === 0x4d && h[3] === 0x18;
}
