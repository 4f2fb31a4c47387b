/**
 * word2vec binary vectors (`save_word2vec_format(binary=True)`, the C
 * tool's `-binary 1`): a text header `<words> <dims>\n`, then per word the
 * word, a space and `dims` float32 values, optionally followed by a
 * newline. The words must account for the file exactly. gensim's reader
 * parses numbers; nothing runs.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import type { Probe } from '../format.js';
import { expect, type Recogniser } from '../inert.js';

const MAX_WORD = 4096;
const MAX_DIMS = 1 << 16;
/** Bytes of a text-format vector line: digits, sign, point, exponent, spaces, line ends. */
const TEXT_NUMBER: ReadonlySet<number> = new Set(new TextEncoder().encode('0123456789+-.eE \t\r\n'));

function header(head: Uint8Array): { words: number; dims: number; end: number } | undefined {
  const b0 = head[0];
  if (b0 === undefined || b0 < 0x31 || b0 > 0x39) return undefined;
  const nl = head.indexOf(0x0a);
  if (nl < 3 || nl > 40) return undefined;
  const m = /^(\d+) (\d+)\s*$/.exec(new TextDecoder('latin1').decode(head.subarray(0, nl)));
  if (m === null) return undefined;
  const words = Number(m[1]);
  const dims = Number(m[2]);
  return words > 0 && dims > 0 && dims <= MAX_DIMS ? { words, dims, end: nl + 1 } : undefined;
}

export const word2vec: Recogniser = {
  id: 'word2vec-binary',
  first: '123456789',
  identify(p: Probe): boolean {
    const h = header(p.head);
    if (h === undefined || h.words * (h.dims * 4 + 2) > p.size) return false;
    // Binary, not the text format (`.vec`): after the first word (any script) and its space come float32 bytes,
    // not the digits, signs, points and spaces of a text line.
    const space = p.head.indexOf(0x20, h.end);
    if (space < 0 || space - h.end > MAX_WORD) return false;
    const vector = p.head.subarray(space + 1, space + 1 + Math.min(h.dims * 4, 64));
    return vector.length > 0 && vector.some((b) => !TEXT_NUMBER.has(b));
  },
  check(src: ByteSource): string {
    const h = header(src.read(0, Math.min(src.size, 64)));
    expect(h !== undefined, 'no `<words> <dims>` header', 0);
    const c = new WindowCursor(src, h.end, src.size, 1 << 20);
    for (let i = 0; i < h.words; i++) {
      const at = c.pos;
      let b = c.u8('word');
      if (b === 0x0a) b = c.u8('word');
      let len = 0;
      while (b !== 0x20) {
        expect(++len <= MAX_WORD && b !== 0, `word ${i} at offset ${at} has no space within ${MAX_WORD} bytes`, at);
        b = c.u8('word');
      }
      c.skip(h.dims * 4, 'vector');
    }
    if (c.remaining === 1 && c.u8('newline') === 0x0a) return summary(h.words, h.dims);
    expect(c.remaining === 0, `${c.remaining} bytes after the last of ${h.words} vectors`, c.pos);
    return summary(h.words, h.dims);
  },
};

function summary(words: number, dims: number): string {
  return `word2vec binary vectors: ${words} words of ${dims} dimensions account for the file`;
}
