/**
 * Sun/NeXT audio (`.au`, `.snd`): `.snd`, then big-endian header size, data
 * size (0xffffffff: unknown, to the end of the file), encoding, sample rate
 * and channels; the samples follow the header. The header size must be at
 * least 24 and inside the file, the encoding one of the defined ones, and a
 * declared data size must end exactly at the end of the file.
 */
import type { ByteSource } from '../../bytes/source.js';
import { ByteReader } from '../../bytes/reader.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';

/** Encodings defined by the format (mu-law, linear 8-32 bit, float, double, ADPCM variants, A-law). */
const ENCODINGS: Record<number, string> = {
  1: 'mu-law',
  2: 'PCM 8-bit',
  3: 'PCM 16-bit',
  4: 'PCM 24-bit',
  5: 'PCM 32-bit',
  6: 'float',
  7: 'double',
  23: 'G.721 ADPCM',
  24: 'G.722 ADPCM',
  25: 'G.723 ADPCM (3-bit)',
  26: 'G.723 ADPCM (5-bit)',
  27: 'A-law',
};
/** Header sizes accepted (CWE-400): the fixed 24 bytes plus an annotation, a few KiB at most in practice. */
const MAX_HEADER = 1 << 20;

export const au: Recogniser = {
  id: 'sun-au',
  first: '.',
  identify(p: Probe): boolean {
    return ascii(p.head, 0, '.snd');
  },
  check(src: ByteSource): string {
    expect(src.size >= 24, `${src.size} bytes, shorter than the 24-byte header`);
    const r = new ByteReader(src.read(0, 24));
    r.skip(4, '.snd');
    const offset = r.u32be('header size');
    const size = r.u32be('data size');
    const encoding = r.u32be('encoding');
    const rate = r.u32be('sample rate');
    const channels = r.u32be('channels');
    expect(offset >= 24 && offset <= MAX_HEADER && offset <= src.size, `header size ${offset} for a ${src.size}-byte file`, 4);
    const coding = ENCODINGS[encoding];
    expect(coding !== undefined, `encoding ${encoding} is not one the format defines`, 12);
    expect(rate > 0 && channels > 0 && channels <= 1024, `${channels} channels at ${rate} Hz`, 16);
    if (size !== 0xffffffff) expect(offset + size === src.size, `${size} data bytes after a ${offset}-byte header make ${offset + size}, not ${src.size}`, 8);
    return `Sun audio, ${coding}, ${channels} channel(s) at ${rate} Hz; the samples account for the file`;
  },
};
