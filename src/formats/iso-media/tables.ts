/**
 * The offset tables that point into the file: chunk offsets of every track
 * (`stco`, `co64`) and the item locations of HEIF/AVIF images (`iloc`).
 * Each entry must land inside a media data box (`mdat`), or for items
 * stored in the meta box inside `idat`: a table pointing elsewhere is not
 * what a muxer writes.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import { expect } from '../inert.js';
import type { Box } from './boxes.js';

/** Table entries checked in one file (CWE-400). */
export const MAX_ENTRIES = 1 << 24;

export interface Span {
  readonly from: number;
  readonly to: number;
}

function inside(spans: readonly Span[], from: number, to: number): boolean {
  return spans.some((s) => from >= s.from && to <= s.to);
}

function cursor(src: ByteSource, box: Box): WindowCursor {
  const c = new WindowCursor(src, box.data, box.end, 64 * 1024);
  c.littleEndian = false;
  return c;
}

/** Checks a `stco`/`co64` box: its count fills it exactly and every offset is inside an `mdat`. Returns the count. */
export function chunkOffsets(src: ByteSource, box: Box, mdat: readonly Span[], budget: { n: number }): number {
  const c = cursor(src, box);
  c.skip(4, 'version and flags');
  const count = c.u32('entry count');
  const width = box.type === 'co64' ? 8 : 4;
  expect(count * width === c.remaining, `${box.type} declares ${count} entries in ${c.remaining} bytes`, box.start);
  budget.n += count;
  expect(budget.n <= MAX_ENTRIES, `more than ${MAX_ENTRIES} table entries`, box.start);
  for (let i = 0; i < count; i++) {
    const off = width === 8 ? c.u64safe('chunk offset') : c.u32('chunk offset');
    expect(inside(mdat, off, off), `${box.type} entry ${i} points at byte ${off}, outside every mdat box`, box.start);
  }
  return count;
}

function sized(c: WindowCursor, bytes: number, what: string): number {
  switch (bytes) {
    case 0:
      return 0;
    case 4:
      return c.u32(what);
    case 8:
      return c.u64safe(what);
    default:
      expect(false, `${what} of ${bytes} bytes`);
  }
}

/** Checks an `iloc` box (versions 0-2): every extent of a file- or idat-stored item inside `mdat`/`idat`. Returns the item count. */
export function itemLocations(src: ByteSource, box: Box, mdat: readonly Span[], idat: Span | undefined, budget: { n: number }): number {
  const c = cursor(src, box);
  const version = c.u8('iloc version');
  expect(version <= 2, `iloc version ${version}`, box.start);
  c.skip(3, 'iloc flags');
  const a = c.u8('offset and length sizes');
  const b = c.u8('base offset and index sizes');
  const [offsetSize, lengthSize, baseSize, indexSize] = [a >>> 4, a & 15, b >>> 4, version > 0 ? b & 15 : 0];
  const items = version < 2 ? c.u16('item count') : c.u32('item count');
  for (let i = 0; i < items; i++) {
    if (version < 2) c.u16('item id');
    else c.u32('item id');
    const method = version > 0 ? c.u16('construction method') & 15 : 0;
    expect(method <= 2, `iloc construction method ${method}`, box.start);
    c.u16('data reference index');
    const base = sized(c, baseSize, 'base offset');
    const extents = c.u16('extent count');
    budget.n += extents;
    expect(budget.n <= MAX_ENTRIES, `more than ${MAX_ENTRIES} table entries`, box.start);
    for (let e = 0; e < extents; e++) {
      sized(c, indexSize, 'extent index');
      const off = base + sized(c, offsetSize, 'extent offset');
      const len = sized(c, lengthSize, 'extent length');
      if (method === 0) expect(inside(mdat, off, off + len), `iloc item ${i} extent at ${off}+${len} is outside every mdat box`, box.start);
      else if (method === 1)
        expect(idat !== undefined && off + len <= idat.to - idat.from, `iloc item ${i} extent at ${off}+${len} is outside idat`, box.start);
    }
  }
  expect(c.remaining === 0, `iloc has ${c.remaining} bytes after its items`, box.start);
  return items;
}
