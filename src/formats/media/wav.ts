/**
 * WAV (RIFF/WAVE, and RF64 for files past 4 GiB, EBU Tech 3306): a RIFF
 * header, then chunks (id, little-endian size, data padded to even) that
 * must tile the file exactly, with a `fmt ` chunk naming a sample coding
 * and a `data` chunk. What soundfile, scipy.io.wavfile and torchaudio read.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';

/** Chunks walked before giving up (CWE-400); real files have a handful. */
const MAX_CHUNKS = 10_000;

/** WAVE format tags: PCM, ADPCM, IEEE float, A-law, mu-law, extensible (and a few codecs soundfile writes). */
const CODINGS: Record<number, string> = {
  1: 'PCM',
  2: 'MS ADPCM',
  3: 'IEEE float',
  6: 'A-law',
  7: 'mu-law',
  0x11: 'IMA ADPCM',
  0x31: 'GSM 6.10',
  0x55: 'MPEG layer 3',
  0xfffe: 'extensible',
};

export const wav: Recogniser = {
  id: 'wav',
  first: 'R',
  identify(p: Probe): boolean {
    return (ascii(p.head, 0, 'RIFF') || ascii(p.head, 0, 'RF64')) && ascii(p.head, 8, 'WAVE');
  },
  check(src: ByteSource): string {
    const c = new WindowCursor(src, 0, src.size, 64 * 1024);
    const rf64 = ascii(c.bytes(4, 'RIFF id'), 0, 'RF64');
    let riffSize = c.u32('RIFF size');
    c.skip(4, 'WAVE');
    let dataSize64: number | undefined;
    let coding: string | undefined;
    let channels = 0;
    let bits = 0;
    let rate = 0;
    let hasData = false;
    let chunks = 0;
    let end = rf64 ? src.size : riffSize + 8;
    if (!rf64) expect(end === src.size || end + 1 === src.size, `RIFF size ${riffSize} + 8 does not match the file's ${src.size} bytes`, 4);
    while (c.pos < Math.min(end, src.size)) {
      expect(++chunks <= MAX_CHUNKS, `more than ${MAX_CHUNKS} chunks`, c.pos);
      const at = c.pos;
      const id = new TextDecoder('latin1').decode(c.bytes(4, 'chunk id'));
      let size = c.u32(`${id} chunk size`);
      if (rf64 && id === 'ds64') {
        expect(size >= 24, 'ds64 chunk too short', at);
        riffSize = c.u64safe('ds64 RIFF size');
        dataSize64 = c.u64safe('ds64 data size');
        c.skip(size - 16, 'ds64 rest');
        end = riffSize + 8;
        expect(end === src.size, `RF64 size ${riffSize} + 8 does not match the file's ${src.size} bytes`, at);
        continue;
      }
      if (rf64 && id === 'data' && size === 0xffffffff && dataSize64 !== undefined) size = dataSize64;
      expect(/^[\x20-\x7e]{4}$/.test(id), `chunk id at offset ${at} is not printable`, at);
      expect(size <= c.remaining, `${id} chunk of ${size} bytes at offset ${at} runs past the file`, at);
      if (id === 'fmt ') {
        expect(size >= 16, `fmt chunk of ${size} bytes`, at);
        const tag = c.u16('format tag');
        channels = c.u16('channels');
        rate = c.u32('sample rate');
        c.skip(6, 'byte rate, block align');
        bits = c.u16('bits per sample');
        coding = CODINGS[tag];
        expect(coding !== undefined, `format tag 0x${tag.toString(16)} is not a sample coding`, at + 8);
        expect(channels > 0 && rate > 0, `fmt chunk declares ${channels} channels at ${rate} Hz`, at + 8);
        c.skip(size - 16, 'fmt extension');
      } else {
        if (id === 'data') hasData = true;
        c.skip(size, `${id} chunk`);
      }
      // Chunks are padded to an even size; the pad byte may be missing after the last one.
      if (size % 2 === 1 && c.remaining > 0) c.skip(1, 'pad byte');
    }
    expect(c.pos === src.size || c.pos + 1 === src.size, `chunks end at ${c.pos}, not at the end of the ${src.size}-byte file`, c.pos);
    expect(coding !== undefined, 'no fmt chunk');
    expect(hasData, 'no data chunk');
    return `${rf64 ? 'RF64' : 'WAV'} audio, ${coding} ${bits}-bit, ${channels} channel(s) at ${rate} Hz; ${chunks} chunks tile the file`;
  },
};
