/**
 * MP3 (MPEG-1/2/2.5 audio, ISO/IEC 11172-3 and 13818-3): an optional ID3v2
 * tag, then frames whose headers (11-bit sync, version, layer, bitrate,
 * sample rate) give each frame's length. The frames must chain from the
 * first to the end of the file, where only an ID3v1 tag (`TAG`, 128 bytes)
 * or an APEv2 tag may follow.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';
import { id3v2Size } from './id3.js';

/** Bitrates in kbit/s by [MPEG-1?][layer 1..3][index]. */
const BITRATES: readonly (readonly (readonly number[])[])[] = [
  [
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
  [
    [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
];
const RATES: Record<number, readonly number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

interface Frame {
  length: number;
  rate: number;
}

/** The frame a 4-byte header describes, or undefined when it is not a valid header (free-format bitrate included). */
export function mpegFrame(h: number): Frame | undefined {
  if (h >>> 21 !== 0x7ff) return undefined;
  const version = (h >>> 19) & 3; // 3 MPEG-1, 2 MPEG-2, 0 MPEG-2.5
  const layer = (h >>> 17) & 3; // 3 layer I, 2 II, 1 III
  const br = (h >>> 12) & 15;
  const sr = (h >>> 10) & 3;
  const pad = (h >>> 9) & 1;
  if (version === 1 || layer === 0 || br === 0 || br === 15 || sr === 3) return undefined;
  const mpeg1 = version === 3 ? 1 : 0;
  const kbps = BITRATES[mpeg1]?.[3 - layer]?.[br];
  const rate = RATES[version]?.[sr];
  if (kbps === undefined || rate === undefined) return undefined;
  const bps = kbps * 1000;
  let length: number;
  if (layer === 3) length = (Math.floor((12 * bps) / rate) + pad) * 4;
  else if (layer === 1 && mpeg1 === 0) length = Math.floor((72 * bps) / rate) + pad;
  else length = Math.floor((144 * bps) / rate) + pad;
  return { length, rate };
}

function u32be(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
}

/** Bytes of tags allowed after the last frame: ID3v1 (128), an APEv2 tag (its footer gives the size). */
function trailerAt(src: ByteSource, pos: number): boolean {
  const rest = src.size - pos;
  if (rest === 128 && ascii(src.read(pos, 3), 0, 'TAG')) return true;
  for (const id3v1 of [0, 128]) {
    const footerAt = src.size - id3v1 - 32;
    if (footerAt < pos || !ascii(src.read(footerAt, 8), 0, 'APETAGEX')) continue;
    const f = src.read(footerAt, 32);
    const size = ((f[12] ?? 0) | ((f[13] ?? 0) << 8) | ((f[14] ?? 0) << 16) | ((f[15] ?? 0) << 24)) >>> 0;
    const header = ((f[23] ?? 0) & 0x80) !== 0 ? 32 : 0;
    if (src.size - id3v1 - size - header === pos) return id3v1 === 0 || ascii(src.read(src.size - 128, 3), 0, 'TAG');
  }
  return false;
}

export const mp3: Recogniser = {
  id: 'mp3',
  first: [0x49, 0xff],
  identify(p: Probe): boolean {
    const tag = id3v2Size(p.head);
    if (tag !== undefined) {
      // A long tag (cover art) hides the first frame from the head: the scan checks it.
      if (tag + 4 > p.head.length) return tag < p.size;
      return mpegFrame(u32be(p.head, tag)) !== undefined;
    }
    // Without a tag: layer III only, and two chained frames (or one filling the file), since a lone sync is common in binary data.
    const h = u32be(p.head, 0);
    const f = mpegFrame(h);
    if (f === undefined || ((h >>> 17) & 3) !== 1) return false;
    return f.length === p.size || (f.length + 4 <= p.head.length && mpegFrame(u32be(p.head, f.length)) !== undefined);
  },
  check(src: ByteSource): string {
    const start = id3v2Size(src.read(0, Math.min(src.size, 10))) ?? 0;
    expect(start < src.size, `ID3v2 tag of ${start} bytes runs past the file`, 0);
    const c = new WindowCursor(src, 0, src.size, 256 * 1024);
    c.littleEndian = false;
    let pos = start;
    let frames = 0;
    let rate = 0;
    while (pos < src.size) {
      if (src.size - pos < 4) break;
      c.seek(pos);
      const f = mpegFrame(c.u32('frame header'));
      if (f === undefined) break;
      expect(pos + f.length <= src.size, `frame ${frames} at offset ${pos} runs past the file`, pos);
      rate = f.rate;
      frames++;
      pos += f.length;
    }
    expect(frames > 0, `no MPEG audio frame at offset ${start}`, start);
    expect(pos === src.size || trailerAt(src, pos), `frames stop at offset ${pos}, and what follows is not an ID3v1 or APE tag`, pos);
    return `MP3 audio at ${rate} Hz; ${frames} frames chain to the end${start > 0 ? ` after an ID3v2 tag of ${start} bytes` : ''}`;
  },
};
