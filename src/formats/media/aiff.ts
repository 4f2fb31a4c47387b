/**
 * AIFF and AIFF-C (Apple's IFF audio, still in speech and music corpora):
 * `FORM`, a big-endian size, `AIFF` or `AIFC`, then chunks (id, big-endian
 * size, data padded to even) that must tile the file, with a `COMM` chunk
 * (channels, frames, bits) and a `SSND` chunk. What Python's aifc module,
 * libsndfile and torchaudio read.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';

/** Chunks walked before giving up (CWE-400); real files have a handful. */
const MAX_CHUNKS = 10_000;

export const aiff: Recogniser = {
  id: 'aiff',
  first: 'F',
  identify(p: Probe): boolean {
    return ascii(p.head, 0, 'FORM') && (ascii(p.head, 8, 'AIFF') || ascii(p.head, 8, 'AIFC'));
  },
  check(src: ByteSource): string {
    const c = new WindowCursor(src, 0, src.size, 64 * 1024);
    c.littleEndian = false;
    c.skip(4, 'FORM');
    const formSize = c.u32('FORM size');
    const kind = new TextDecoder('latin1').decode(c.bytes(4, 'form type'));
    const end = formSize + 8;
    expect(end === src.size || end + 1 === src.size, `FORM size ${formSize} + 8 does not match the file's ${src.size} bytes`, 4);
    let channels = 0;
    let bits = 0;
    let hasSound = false;
    let chunks = 0;
    while (c.pos < Math.min(end, src.size)) {
      expect(++chunks <= MAX_CHUNKS, `more than ${MAX_CHUNKS} chunks`, c.pos);
      const at = c.pos;
      const id = new TextDecoder('latin1').decode(c.bytes(4, 'chunk id'));
      const size = c.u32(`${id} chunk size`);
      expect(/^[\x20-\x7e]{4}$/.test(id), `chunk id at offset ${at} is not printable`, at);
      expect(size <= c.remaining, `${id} chunk of ${size} bytes at offset ${at} runs past the file`, at);
      if (id === 'COMM') {
        expect(size >= 18, `COMM chunk of ${size} bytes`, at);
        channels = c.u16('channels');
        c.skip(4, 'frames');
        bits = c.u16('bits per sample');
        expect(channels > 0 && bits > 0 && bits <= 64, `COMM chunk declares ${channels} channels of ${bits} bits`, at + 8);
        c.skip(size - 8, 'COMM rate and compression');
      } else {
        if (id === 'SSND') hasSound = true;
        c.skip(size, `${id} chunk`);
      }
      if (size % 2 === 1 && c.remaining > 0) c.skip(1, 'pad byte');
    }
    expect(c.pos === src.size || c.pos + 1 === src.size, `chunks end at ${c.pos}, not at the end of the ${src.size}-byte file`, c.pos);
    expect(channels > 0, 'no COMM chunk');
    expect(hasSound, 'no SSND chunk');
    return `${kind === 'AIFC' ? 'AIFF-C' : 'AIFF'} audio, ${bits}-bit, ${channels} channel(s); ${chunks} chunks tile the file`;
  },
};
