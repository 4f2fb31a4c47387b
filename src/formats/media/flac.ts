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

function start(head: Uint8Array): number {
  return id3v2Size(head) ?? 0;
}

export const flac: Recogniser = {
  id: 'flac',
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
    if (c.remaining > 0) {
      const sync = c.u16('frame sync');
      expect((sync & 0xfffe) === 0xfff8, `no frame sync code after the metadata (0x${sync.toString(16)})`, c.pos - 2);
    }
    return `FLAC audio, ${channels} channel(s) at ${rate} Hz; ${blocks} metadata blocks in bounds, frames follow`;
  },
};
