/**
 * ISO base media file format boxes (ISO/IEC 14496-12; QuickTime atoms):
 * a 32-bit big-endian size (1: a 64-bit size follows; 0: to the end of the
 * file, top level only), a four-character type, for `uuid` a 16-byte
 * extended type. A walk checks that boxes tile their parent exactly and
 * recurses into the containers whose children are boxes.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import { expect } from '../inert.js';

export interface Box {
  readonly type: string;
  readonly start: number;
  /** First byte after the header. */
  readonly data: number;
  readonly end: number;
  readonly depth: number;
}

/** Boxes whose payload is boxes (`meta` is a FullBox: 4 bytes of version and flags first, except QuickTime's). */
const CONTAINERS = new Set([
  'moov',
  'trak',
  'mdia',
  'minf',
  'stbl',
  'dinf',
  'edts',
  'mvex',
  'moof',
  'traf',
  'mfra',
  'iprp',
  'ipco',
  'meta',
  'sinf',
  'schi',
  'tref',
  'grpl',
]);
/** Nesting walked (CWE-674); real files nest about six deep. */
const MAX_DEPTH = 16;
/** Boxes walked in one file (CWE-400). */
export const MAX_BOXES = 1 << 20;

/** A box type: four bytes, printable ASCII or QuickTime's © (0xA9). */
function fourcc(b: Uint8Array): string | undefined {
  let s = '';
  for (const x of b) {
    if (!((x >= 0x20 && x <= 0x7e) || x === 0xa9)) return undefined;
    s += String.fromCharCode(x);
  }
  return s;
}

/** Reads the box header at `at`, inside a parent ending at `limit`. */
function header(src: ByteSource, at: number, limit: number, depth: number): Box {
  const c = new WindowCursor(src, at, limit, 64);
  c.littleEndian = false;
  expect(limit - at >= 8, `box header at ${at} runs past its parent (ends at ${limit})`, at);
  let size = c.u32('box size');
  const type = fourcc(c.bytes(4, 'box type'));
  expect(type !== undefined, `box type at ${at + 4} is not four printable characters`, at + 4);
  if (size === 1) size = c.u64safe('box largesize');
  else if (size === 0) {
    expect(depth === 0, `box of size 0 (to the end of the file) inside a container at ${at}`, at);
    size = limit - at;
  }
  if (type === 'uuid') c.skip(16, 'uuid extended type');
  const data = c.pos;
  expect(size >= data - at && size <= limit - at, `${type} box of ${size} bytes at ${at} does not fit its parent (${limit - at} bytes left)`, at);
  return { type, start: at, data, end: at + size, depth };
}

function allZero(src: ByteSource, from: number, to: number): boolean {
  return src.read(from, to - from).every((x) => x === 0);
}

/**
 * Walks the boxes tiling `[start, end)` and, depth first, those of every
 * container; calls `visit` on each. QuickTime ends some lists with a 32-bit
 * zero, accepted when it is all that is left of a container.
 */
export function walkBoxes(src: ByteSource, start: number, end: number, visit: (b: Box) => void, depth = 0, count = { n: 0 }): void {
  expect(depth <= MAX_DEPTH, `boxes nest deeper than ${MAX_DEPTH}`, start);
  let at = start;
  while (at < end) {
    if (depth > 0 && end - at < 8 && allZero(src, at, end)) return;
    expect(++count.n <= MAX_BOXES, `more than ${MAX_BOXES} boxes`, at);
    const box = header(src, at, end, depth);
    visit(box);
    if (CONTAINERS.has(box.type)) {
      let first = box.data;
      // ISO's meta is a FullBox (version 0, flags 0); QuickTime's meta holds boxes at once.
      if (box.type === 'meta' && box.end - first >= 4 && allZero(src, first, first + 4)) first += 4;
      walkBoxes(src, first, box.end, visit, depth + 1, count);
    }
    at = box.end;
  }
  expect(at === end, `boxes end at ${at}, not at ${end}`, at);
}
