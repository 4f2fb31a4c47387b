/**
 * FLAC (RFC 9639): `fLaC`, a chain of metadata blocks (STREAMINFO first, the
 * last one flagged) inside the file, then audio frames starting with the
 * 14-bit frame sync code. An ID3v2 tag may precede the stream.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';
import { id3v2Size } from './id3.js';

/** Metadata blocks walked (CWE-400). */
const MAX_BLOCKS = 100_000;

/** Bytes searched back from the end for the last frame: FLAC frames are at most 16 MiB, real ones a few KiB. */
const MAX_LAST_FRAME = 1 << 20;

/** Candidate last frames whose CRC-16 is computed. */
const MAX_CANDIDATES = 64;

const CRC8 = new Uint8Array(256);
const CRC16 = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let a = i;
  let b = i << 8;
  for (let k = 0; k < 8; k++) {
    a = a & 0x80 ? ((a << 1) ^ 0x07) & 0xff : (a << 1) & 0xff;
    b = b & 0x8000 ? ((b << 1) ^ 0x8005) & 0xffff : (b << 1) & 0xffff;
  }
  CRC8[i] = a;
  CRC16[i] = b;
}

/**
 * Whether the file ends with a complete frame: a sync code whose header
 * CRC-8 checks and whose frame CRC-16 (over everything up to the last two
 * bytes) equals those two bytes (RFC 9639 section 9). A stream cut short
 * ends inside a frame and has none.
 */
function lastFrameComplete(src: ByteSource, framesAt: number): boolean {
  const from = Math.max(framesAt, src.size - MAX_LAST_FRAME);
  const b = src.read(from, src.size - from);
  if (b.length < 8) return false;
  const stored = ((b[b.length - 2] ?? 0) << 8) | (b[b.length - 1] ?? 0);
  let tried = 0;
  for (let i = b.length - 8; i >= 0; i--) {
    if (b[i] !== 0xff || ((b[i + 1] ?? 0) & 0xfe) !== 0xf8) continue;
    // The header is 5 to 16 bytes before its CRC-8.
    let header = false;
    let c8 = 0;
    for (let k = 0; k < 16 && i + k + 1 < b.length && !header; k++) {
      c8 = CRC8[c8 ^ (b[i + k] ?? 0)] ?? 0;
      if (k >= 4 && c8 === b[i + k + 1]) header = true;
    }
    if (!header) continue;
    // Each candidate costs a CRC over the rest of the window: bounded for crafted runs of sync codes (CWE-400).
    if (++tried > MAX_CANDIDATES) return false;
    let c16 = 0;
    for (let j = i; j < b.length - 2; j++) c16 = ((c16 << 8) ^ (CRC16[((c16 >> 8) ^ (b[j] ?? 0)) & 0xff] ?? 0)) & 0xffff;
    if (c16 === stored) return true;
  }
  return false;
}

function start(head: Uint8Array): number {
  return id3v2Size(head) ?? 0;
}

export const flac: Recogniser = {
  id: 'flac',
  first: 'fI',
  identify(p: Probe): boolean {
    return ascii(p.head, 0, 'fLaC') || (ascii(p.head, 0, 'ID3') && ascii(p.head, start(p.head), 'fLaC'));
  },
  check(src: ByteSource): string {
    const at0 = start(src.read(0, Math.min(src.size, 10)));
    const c = new WindowCursor(src, at0, src.size, 64 * 1024);
    c.littleEndian = false;
    expect(ascii(c.bytes(4, 'fLaC'), 0, 'fLaC'), 'no fLaC marker', at0);
    let blocks = 0;
    let last = false;
    let rate = 0;
    let channels = 0;
    while (!last) {
      expect(++blocks <= MAX_BLOCKS, `more than ${MAX_BLOCKS} metadata blocks`, c.pos);
      const at = c.pos;
      const h = c.u8('metadata block header');
      last = (h & 0x80) !== 0;
      const type = h & 0x7f;
      const len = (c.u8('length') << 16) | c.u16('length');
      expect(type !== 127, `metadata block type 127 at offset ${at} is forbidden`, at);
      expect(blocks > 1 || (type === 0 && len === 34), 'the first metadata block is not a 34-byte STREAMINFO', at);
      expect(len <= c.remaining, `metadata block of ${len} bytes at offset ${at} runs past the file`, at);
      if (type === 0) {
        const info = c.bytes(len, 'STREAMINFO');
        rate = ((info[10] ?? 0) << 12) | ((info[11] ?? 0) << 4) | ((info[12] ?? 0) >> 4);
        channels = (((info[12] ?? 0) >> 1) & 7) + 1;
        expect(rate > 0, 'STREAMINFO sample rate 0', at);
      } else c.skip(len, 'metadata block');
    }
    const framesAt = c.pos;
    if (c.remaining > 0) {
      const sync = c.u16('frame sync');
      expect((sync & 0xfffe) === 0xfff8, `no frame sync code after the metadata (0x${sync.toString(16)})`, c.pos - 2);
      expect(lastFrameComplete(src, framesAt), 'the last frame is incomplete (no frame ends the file with a valid CRC-16): the stream is cut short', framesAt);
    }
    return `FLAC audio, ${channels} channel(s) at ${rate} Hz; ${blocks} metadata blocks in bounds, frames from the first sync code to a last frame whose CRC-16 checks`;
  },
};
