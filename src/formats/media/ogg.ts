/**
 * Ogg (RFC 3533): pages (`OggS`, version 0, a segment table giving the
 * body length, a CRC-32 over the page) that must tile the file, each CRC
 * correct. Vorbis, Opus and FLAC-in-Ogg audio all live in these pages.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';

/** Pages walked (CWE-400): 4 GiB of maximal pages. */
const MAX_PAGES = 100_000_000;

/** Ogg's CRC-32: polynomial 0x04c11db7, not reflected, initial value 0. */
const TABLE = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let r = i << 24;
  for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
  TABLE[i] = r >>> 0;
}

function crc(bytes: Uint8Array, init: number): number {
  let c = init;
  for (const b of bytes) c = ((c << 8) ^ (TABLE[((c >>> 24) ^ b) & 0xff] as number)) >>> 0;
  return c;
}

export const ogg: Recogniser = {
  id: 'ogg',
  first: 'O',
  identify(p: Probe): boolean {
    return ascii(p.head, 0, 'OggS') && p.head[4] === 0 && ((p.head[5] ?? 0xff) & 0xf8) === 0;
  },
  check(src: ByteSource): string {
    const c = new WindowCursor(src, 0, src.size, 256 * 1024);
    let pages = 0;
    const streams = new Set<number>();
    while (c.pos < src.size) {
      expect(++pages <= MAX_PAGES, `more than ${MAX_PAGES} pages`, c.pos);
      const at = c.pos;
      const header = c.bytes(27, 'page header').slice();
      expect(ascii(header, 0, 'OggS') && header[4] === 0, `no Ogg page at offset ${at}`, at);
      streams.add(((header[14] ?? 0) | ((header[15] ?? 0) << 8) | ((header[16] ?? 0) << 16) | ((header[17] ?? 0) << 24)) >>> 0);
      const stored = ((header[22] ?? 0) | ((header[23] ?? 0) << 8) | ((header[24] ?? 0) << 16) | ((header[25] ?? 0) << 24)) >>> 0;
      header.fill(0, 22, 26);
      const table = c.bytes(header[26] ?? 0, 'segment table');
      let body = 0;
      for (const s of table) body += s;
      let sum = crc(table, crc(header, 0));
      // The body is read in slices so a 64 KiB page never needs more than the window.
      let left = body;
      expect(body <= c.remaining, `page at offset ${at} runs past the file`, at);
      while (left > 0) {
        const n = Math.min(left, 32 * 1024);
        sum = crc(c.bytes(n, 'page body'), sum);
        left -= n;
      }
      expect(sum === stored, `page at offset ${at}: CRC 0x${sum.toString(16)} does not match the stored 0x${stored.toString(16)}`, at + 22);
    }
    return `Ogg stream: ${pages} pages of ${streams.size} logical stream(s), every page CRC correct`;
  },
};
