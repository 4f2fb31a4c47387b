/**
 * The images model cards carry: PNG (its chunks walked to IEND), JPEG (its
 * marker segments walked to the start of scan), GIF and WebP (header and
 * RIFF size). Bytes after PNG's IEND are tolerated, as libpng and PIL do.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';

/** Chunks or segments walked (CWE-400). */
const MAX_CHUNKS = 1_000_000;

export const png: Recogniser = {
  id: 'png',
  first: [0x89],
  identify(p: Probe): boolean {
    const h = p.head;
    return h[0] === 0x89 && ascii(h, 1, 'PNG\r\n\x1a\n') && h[8] === 0 && h[9] === 0 && h[10] === 0 && h[11] === 13 && ascii(h, 12, 'IHDR');
  },
  check(src: ByteSource): string {
    const c = new WindowCursor(src, 8, src.size, 64 * 1024);
    c.littleEndian = false;
    let chunks = 0;
    for (;;) {
      expect(++chunks <= MAX_CHUNKS, `more than ${MAX_CHUNKS} chunks`, c.pos);
      const at = c.pos;
      const len = c.u32('chunk length');
      const type = new TextDecoder('latin1').decode(c.bytes(4, 'chunk type'));
      expect(/^[A-Za-z]{4}$/.test(type) && len < 2 ** 31, `chunk at offset ${at} is not a PNG chunk`, at);
      expect(len + 4 <= c.remaining, `${type} chunk of ${len} bytes at offset ${at} runs past the file`, at);
      c.skip(len + 4, `${type} chunk`);
      if (type === 'IEND') break;
    }
    return `PNG image: ${chunks} chunks to IEND`;
  },
};

export const jpeg: Recogniser = {
  id: 'jpeg',
  first: [0xff],
  identify(p: Probe): boolean {
    const h = p.head;
    return h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff && h[3] !== undefined && h[3] >= 0xc0 && h[3] <= 0xfe;
  },
  check(src: ByteSource): string {
    const c = new WindowCursor(src, 2, src.size, 64 * 1024);
    c.littleEndian = false;
    let segments = 0;
    for (;;) {
      expect(++segments <= MAX_CHUNKS, `more than ${MAX_CHUNKS} segments`, c.pos);
      const at = c.pos;
      expect(c.u8('marker') === 0xff, `no marker at offset ${at}`, at);
      let m = c.u8('marker');
      while (m === 0xff) m = c.u8('marker');
      // Standalone markers carry no length.
      if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) continue;
      expect(m !== 0xd9 && m !== 0x00, `marker 0x${m.toString(16)} before the start of scan`, at);
      const len = c.u16('segment length');
      expect(len >= 2 && len - 2 <= c.remaining, `segment 0x${m.toString(16)} of ${len} bytes at offset ${at} runs past the file`, at);
      c.skip(len - 2, 'segment');
      if (m === 0xda) break;
    }
    // Entropy-coded data stuffs every 0xFF (FF 00), so FF D9 after the scan header is the end-of-image marker:
    // a file cut inside its scan has none (PIL raises "image file is truncated").
    const scanAt = c.pos;
    const tailAt = Math.max(scanAt, src.size - 64 * 1024);
    const tail = src.read(tailAt, src.size - tailAt);
    let eoi = -1;
    for (let i = tail.length - 2; i >= 0 && eoi < 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) eoi = tailAt + i;
    expect(eoi >= scanAt, 'no end-of-image marker after the scan: the image is cut short', scanAt);
    return `JPEG image: ${segments} marker segments, scan data ended by EOI at offset ${eoi}`;
  },
};

export const gif: Recogniser = {
  id: 'gif',
  first: 'G',
  identify(p: Probe): boolean {
    return (ascii(p.head, 0, 'GIF87a') || ascii(p.head, 0, 'GIF89a')) && p.size >= 13;
  },
  check(src: ByteSource): string {
    const h = src.read(0, 13);
    const w = (h[6] ?? 0) | ((h[7] ?? 0) << 8);
    const hgt = (h[8] ?? 0) | ((h[9] ?? 0) << 8);
    const table = (h[10] ?? 0) & 0x80 ? 3 * (1 << (((h[10] ?? 0) & 7) + 1)) : 0;
    expect(13 + table < src.size, `global colour table of ${table} bytes runs past the file`, 10);
    return `GIF image ${w}x${hgt}`;
  },
};

export const webp: Recogniser = {
  id: 'webp',
  first: 'R',
  identify(p: Probe): boolean {
    return ascii(p.head, 0, 'RIFF') && ascii(p.head, 8, 'WEBP') && ascii(p.head, 12, 'VP8');
  },
  check(src: ByteSource): string {
    const h = src.read(4, 4);
    const size = ((h[0] ?? 0) | ((h[1] ?? 0) << 8) | ((h[2] ?? 0) << 16) | ((h[3] ?? 0) << 24)) >>> 0;
    expect(size + 8 === src.size || size + 9 === src.size, `RIFF size ${size} + 8 does not match the file's ${src.size} bytes`, 4);
    return `WebP image of ${src.size} bytes`;
  },
};
