/**
 * AVI (RIFF `AVI `, with OpenDML `AVIX` extensions past 1 GiB): the clips
 * of older action-recognition data sets (UCF101, HMDB51). RIFF chunks (id,
 * little-endian size, data padded to even) tile the file and every LIST;
 * the header list `hdrl` comes first and starts with the main header
 * `avih`; a `movi` list holds the media; every `idx1` entry points inside
 * it (offsets from the `movi` tag, or absolute, as demuxers accept both).
 * Players and decoders (ffmpeg, OpenCV, PyAV) read these; no model loader does.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';

/** Chunks walked in one file (CWE-400). */
const MAX_CHUNKS = 1 << 20;
/** LIST nesting (CWE-674); AVI nests three deep. */
const MAX_DEPTH = 8;
/** idx1 entries checked (CWE-400): 16 bytes each, one per frame. */
const MAX_INDEX = 1 << 24;

interface Chunk {
  readonly id: string;
  /** LIST/RIFF form type, else ''. */
  readonly form: string;
  readonly start: number;
  readonly data: number;
  readonly end: number;
}

interface Walk {
  chunks: number;
  movi: { from: number; to: number }[];
  index: Chunk[];
}

const latin1 = new TextDecoder('latin1');

function chunkAt(c: WindowCursor, limit: number): Chunk {
  const start = c.pos;
  expect(limit - start >= 8, `chunk header at ${start} runs past its list (ends at ${limit})`, start);
  const id = latin1.decode(c.bytes(4, 'chunk id'));
  expect(/^[\x20-\x7e]{4}$/.test(id), `chunk id at ${start} is not printable`, start);
  const size = c.u32(`${id} chunk size`);
  expect(size <= limit - start - 8, `${id} chunk of ${size} bytes at ${start} runs past its list`, start);
  const list = id === 'LIST' || id === 'RIFF';
  expect(!list || size >= 4, `${id} of ${size} bytes has no form type`, start);
  const form = list ? latin1.decode(c.bytes(4, 'form type')) : '';
  return { id, form, start, data: start + 8, end: start + 8 + size };
}

/** Walks the chunks tiling `[from, to)`; returns them (top level of the range only). */
function walk(c: WindowCursor, from: number, to: number, depth: number, w: Walk): Chunk[] {
  expect(depth <= MAX_DEPTH, `lists nest deeper than ${MAX_DEPTH}`, from);
  const out: Chunk[] = [];
  c.seek(from);
  while (c.pos < to) {
    expect(++w.chunks <= MAX_CHUNKS, `more than ${MAX_CHUNKS} chunks`, c.pos);
    const ch = chunkAt(c, to);
    out.push(ch);
    expect(ch.id !== 'RIFF' || depth === 0, `RIFF chunk inside a list at ${ch.start}`, ch.start);
    if (ch.id === 'LIST' || ch.id === 'RIFF') {
      if (ch.form === 'movi') w.movi.push({ from: ch.data, to: ch.end });
      walk(c, ch.data + 4, ch.end, depth + 1, w);
    } else if (ch.id === 'idx1') w.index.push(ch);
    // Chunks are padded to an even size; the pad may be missing at the very end.
    const next = ch.end + (ch.end % 2 === 1 && ch.end < to ? 1 : 0);
    c.seek(next);
  }
  expect(c.pos === to, `chunks end at ${c.pos}, not at ${to}`, c.pos);
  return out;
}

function checkIndex(src: ByteSource, idx: Chunk, movi: readonly { from: number; to: number }[], budget: { n: number }): number {
  const size = idx.end - idx.data;
  expect(size % 16 === 0, `idx1 of ${size} bytes is not whole entries`, idx.start);
  const n = size / 16;
  budget.n += n;
  expect(budget.n <= MAX_INDEX, `more than ${MAX_INDEX} index entries`, idx.start);
  const c = new WindowCursor(src, idx.data, idx.end, 64 * 1024);
  const m = movi[0];
  expect(m !== undefined || n === 0, 'idx1 without a movi list', idx.start);
  for (let i = 0; i < n; i++) {
    c.skip(8, 'idx1 id and flags');
    const off = c.u32('idx1 offset');
    const len = c.u32('idx1 size');
    if (m === undefined) break;
    const fits = (at: number): boolean => at >= m.from && at + 8 + len <= m.to;
    expect(fits(m.from + off) || fits(off), `idx1 entry ${i} (${off}+${len}) points outside the movi list`, idx.start);
  }
  return n;
}

export const avi: Recogniser = {
  id: 'avi',
  first: 'R',
  identify(p: Probe): boolean {
    return ascii(p.head, 0, 'RIFF') && ascii(p.head, 8, 'AVI ');
  },
  check(src: ByteSource): string {
    const c = new WindowCursor(src, 0, src.size, 64 * 1024);
    const w: Walk = { chunks: 0, movi: [], index: [] };
    // A last pad byte after the final RIFF is tolerated, as for WAV.
    const top = walk(c, 0, src.size % 2 === 1 && src.size > 1 ? src.size - 1 : src.size, 0, w);
    top.forEach((r, i) => {
      expect(
        r.id === 'RIFF' && r.form === (i === 0 ? 'AVI ' : 'AVIX'),
        `top-level chunk ${i} is ${r.id} ${r.form}, not RIFF ${i === 0 ? 'AVI ' : 'AVIX'}`,
        r.start,
      );
    });
    const first = top[0];
    expect(first !== undefined, 'no RIFF chunk');
    c.seek(first.data + 4);
    const hdrl = chunkAt(c, first.end);
    expect(hdrl.id === 'LIST' && hdrl.form === 'hdrl', 'the first chunk is not the hdrl list', hdrl.start);
    const avih = chunkAt(c, hdrl.end);
    expect(avih.id === 'avih' && avih.end - avih.data >= 56, 'hdrl does not start with a 56-byte avih header', avih.start);
    expect(w.movi.length > 0, 'no movi list');
    const budget = { n: 0 };
    let entries = 0;
    for (const idx of w.index) entries += checkIndex(src, idx, w.movi, budget);
    return `AVI video, ${top.length} RIFF chunk(s), ${w.chunks} chunks tile the file; ${entries} index entries inside movi`;
  },
};
