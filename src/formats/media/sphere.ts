/**
 * NIST SPHERE audio (speech corpora such as TIMIT): `NIST_1A`, the header
 * size in ASCII, `name -type value` lines up to `end_head`, then samples.
 * For uncompressed PCM the header's sample count, channels and bytes per
 * sample must account for the bytes after the header.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';

/** Header sizes accepted (CWE-400): real headers are 1024 bytes, a few are multiples of it. */
const MAX_HEADER = 1 << 20;

export const sphere: Recogniser = {
  id: 'nist-sphere',
  first: 'N',
  identify(p: Probe): boolean {
    return ascii(p.head, 0, 'NIST_1A\n') && /^ *\d+\n$/.test(new TextDecoder('latin1').decode(p.head.subarray(8, 16)));
  },
  check(src: ByteSource): string {
    const size = Number(new TextDecoder('latin1').decode(src.read(8, 8)).trim());
    expect(Number.isSafeInteger(size) && size >= 16 && size <= MAX_HEADER && size <= src.size, `header size ${size} for a ${src.size}-byte file`, 8);
    const text = new TextDecoder('latin1').decode(src.read(16, size - 16));
    const end = text.indexOf('end_head');
    expect(end >= 0, 'no end_head in the header', 16);
    const fields = new Map<string, string>();
    for (const line of text.slice(0, end).split('\n')) {
      if (line.trim() === '') continue;
      const m = /^(\S+) -(i|r|s\d+) (.*)$/.exec(line);
      expect(m !== null, `header line ${JSON.stringify(line.slice(0, 40))} is not 'name -type value'`, 16);
      fields.set(m[1] as string, (m[3] as string).trim());
    }
    const count = Number(fields.get('sample_count'));
    const channels = Number(fields.get('channel_count') ?? '1');
    const width = Number(fields.get('sample_n_bytes'));
    const coding = fields.get('sample_coding') ?? 'pcm';
    if (coding === 'pcm' && Number.isSafeInteger(count) && Number.isSafeInteger(width)) {
      const data = count * channels * width;
      expect(
        size + data === src.size,
        `${count} samples x ${channels} channel(s) x ${width} bytes after a ${size}-byte header make ${size + data} bytes, not ${src.size}`,
        size,
      );
    }
    return `NIST SPHERE audio, ${coding}, ${fields.get('sample_rate') ?? '?'} Hz; ${fields.size} header fields, samples account for the file`;
  },
};
