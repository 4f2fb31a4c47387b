/**
 * Web and desktop fonts a demo page or a rendering data set carries:
 * - sfnt (TrueType `\0\1\0\0`/`true`, OpenType `OTTO`) and TrueType
 *   collections (`ttcf`): the table directory (`searchRange`,
 *   `entrySelector`, `rangeShift` as the OpenType spec derives them from
 *   `numTables`), every table inside the file, the `head` table's magic
 *   number `0x5F0F3CF5`, and the last table ending the file (4-byte padding).
 * - WOFF 1.0 (`wOFF`): the header's `length` is the file size, every table's
 *   compressed bytes, metadata and private blocks inside the file.
 * - WOFF 2.0 (`wOF2`): the header's `length` is the file size, the table
 *   directory (UIntBase128 lengths) read to its end, then the Brotli stream
 *   of `totalCompressedSize` bytes, metadata and private blocks inside the
 *   file.
 * Font renderers read these; no ML loader does.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';

/** Tables in one font and fonts in one collection (CWE-400). */
const MAX_TABLES = 1024;
const MAX_FONTS = 256;

function u16(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}
function u32(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
}
/** A table tag: four printable ASCII bytes. */
function tagAt(b: Uint8Array, at: number): string | undefined {
  let s = '';
  for (let i = 0; i < 4; i++) {
    const c = b[at + i];
    if (c === undefined || c < 0x20 || c > 0x7e) return undefined;
    s += String.fromCharCode(c);
  }
  return s;
}

function sfntVersion(b: Uint8Array, at: number): boolean {
  return u32(b, at) === 0x00010000 || ascii(b, at, 'OTTO') || ascii(b, at, 'true');
}

/** searchRange, entrySelector and rangeShift as the spec computes them from numTables. */
function directoryFieldsMatch(b: Uint8Array, at: number): boolean {
  const n = u16(b, at + 4);
  if (n === 0 || n > MAX_TABLES) return false;
  const sel = Math.floor(Math.log2(n));
  const range = 16 * 2 ** sel;
  return u16(b, at + 6) === range && u16(b, at + 8) === sel && u16(b, at + 10) === n * 16 - range;
}

/** Walks one sfnt table directory at `at`; returns the table count and the end of its last table. */
function walkSfnt(src: ByteSource, at: number): { tables: number; end: number } {
  expect(at + 12 <= src.size, `font directory at ${at} outside the file`, at);
  const hdr = src.read(at, 12);
  expect(hdr.length === 12 && sfntVersion(hdr, 0) && directoryFieldsMatch(hdr, 0), 'sfnt header or table directory fields do not match', at);
  const n = u16(hdr, 4);
  expect(at + 12 + 16 * n <= src.size, `${n} table records run past the end of the file`, at);
  const dir = src.read(at + 12, 16 * n);
  const tags = new Set<string>();
  let end = 0;
  let head = -1;
  for (let i = 0; i < n; i++) {
    const r = 16 * i;
    const tag = tagAt(dir, r);
    expect(tag !== undefined && !tags.has(tag), `table record ${i}: tag is not four printable characters, or repeats`, at + 12 + r);
    tags.add(tag);
    const offset = u32(dir, r + 8);
    const length = u32(dir, r + 12);
    expect(offset >= at + 12 + 16 * n && offset + length <= src.size, `table '${tag}': ${length} bytes at ${offset} outside the file`, at + 12 + r);
    end = Math.max(end, offset + length);
    if (tag === 'head') head = offset;
  }
  expect(head >= 0, "no 'head' table", at);
  expect(head + 16 <= src.size && u32(src.read(head + 12, 4), 0) === 0x5f0f3cf5, "the 'head' table's magic number is not 0x5F0F3CF5", head + 12);
  return { tables: n, end };
}

export const sfnt: Recogniser = {
  id: 'font-sfnt',
  first: [0, 0x4f, 0x74],
  identify: (p: Probe) => p.head.length >= 12 && sfntVersion(p.head, 0) && directoryFieldsMatch(p.head, 0),
  check(src: ByteSource): string {
    const { tables, end } = walkSfnt(src, 0);
    expect(src.size - end < 4, `${src.size - end} bytes after the last table`, end);
    return `TrueType/OpenType font: ${tables} tables inside the file, 'head' magic checked`;
  },
};

export const ttc: Recogniser = {
  id: 'font-collection',
  first: 't',
  identify: (p: Probe) => ascii(p.head, 0, 'ttcf') && (u16(p.head, 4) === 1 || u16(p.head, 4) === 2) && u16(p.head, 6) === 0,
  check(src: ByteSource): string {
    const hdr = src.read(0, Math.min(12, src.size));
    const count = u32(hdr, 8);
    expect(count > 0 && count <= MAX_FONTS && 12 + 4 * count <= src.size, `${count} fonts in the collection`, 8);
    const offsets = src.read(12, 4 * count);
    let end = 0;
    for (let i = 0; i < count; i++) end = Math.max(end, walkSfnt(src, u32(offsets, 4 * i)).end);
    expect(src.size - end < 4 || u16(hdr, 4) === 2, `${src.size - end} bytes after the last table`, end);
    return `TrueType collection of ${count} fonts, every table inside the file`;
  },
};

export const woff: Recogniser = {
  id: 'font-woff',
  first: 'w',
  identify: (p: Probe) => ascii(p.head, 0, 'wOFF') && u32(p.head, 8) === p.size && u16(p.head, 14) === 0,
  check(src: ByteSource): string {
    const h = src.read(0, Math.min(44, src.size));
    expect(h.length === 44, 'WOFF header cut short', 0);
    const n = u16(h, 12);
    expect(n > 0 && n <= MAX_TABLES && 44 + 20 * n <= src.size, `${n} table records`, 12);
    const dir = src.read(44, 20 * n);
    for (let i = 0; i < n; i++) {
      const r = 20 * i;
      const tag = tagAt(dir, r);
      const offset = u32(dir, r + 4);
      const comp = u32(dir, r + 8);
      const orig = u32(dir, r + 12);
      expect(
        tag !== undefined && offset >= 44 + 20 * n && offset + comp <= src.size && comp <= orig,
        `table ${i}: ${comp} bytes at ${offset} outside the file`,
        44 + r,
      );
    }
    for (const [what, off, len] of [
      ['metadata', u32(h, 24), u32(h, 28)],
      ['private data', u32(h, 36), u32(h, 40)],
    ] as const) {
      expect(len === 0 || off + len <= src.size, `${what}: ${len} bytes at ${off} outside the file`, 24);
    }
    return `WOFF font: ${n} tables inside the file`;
  },
};

/** WOFF2's known-table flag index 63 means a four-byte tag follows. */
const WOFF2_ARBITRARY_TAG = 63;

export const woff2: Recogniser = {
  id: 'font-woff2',
  first: 'w',
  identify: (p: Probe) => ascii(p.head, 0, 'wOF2') && u32(p.head, 8) === p.size && u16(p.head, 14) === 0,
  check(src: ByteSource): string {
    const h = src.read(0, Math.min(48, src.size));
    expect(h.length === 48, 'WOFF2 header cut short', 0);
    const n = u16(h, 12);
    expect(n > 0 && n <= MAX_TABLES, `${n} tables`, 12);
    // Directory entries are at most 1 + 4 + 5 + 5 bytes.
    const dir = src.read(48, Math.min(src.size - 48, 15 * n));
    let i = 0;
    const base128 = (): number => {
      let v = 0;
      for (let k = 0; k < 5; k++) {
        const b = dir[i++];
        expect(b !== undefined && !(k === 0 && b === 0x80) && v < 2 ** 25, 'bad UIntBase128 in the table directory', 48 + i);
        v = v * 128 + (b & 0x7f);
        if ((b & 0x80) === 0) return v;
      }
      expect(false, 'UIntBase128 longer than five bytes', 48 + i);
    };
    for (let t = 0; t < n; t++) {
      const flags = dir[i++];
      expect(flags !== undefined, 'table directory cut short', 48 + i);
      const tagIndex = flags & 0x3f;
      const version = flags >> 6;
      if (tagIndex === WOFF2_ARBITRARY_TAG) {
        expect(tagAt(dir, i) !== undefined, 'table tag is not four printable characters', 48 + i);
        i += 4;
      }
      base128();
      // glyf (10) and loca (11) are transformed at version 0; every other table at a non-zero version.
      const transformed = tagIndex === 10 || tagIndex === 11 ? version === 0 : version !== 0;
      if (transformed) base128();
    }
    const flavor = u32(h, 4);
    expect(!ascii(h, 4, 'ttcf'), 'WOFF2 collections are not read', 4);
    const compressed = u32(h, 20);
    const dataEnd = 48 + i + compressed;
    expect(flavor !== 0 && dataEnd <= src.size, `${compressed} bytes of compressed font data run past the end of the file`, 20);
    let end = dataEnd;
    for (const [what, off, len] of [
      ['metadata', u32(h, 28), u32(h, 32)],
      ['private data', u32(h, 40), u32(h, 44)],
    ] as const) {
      if (len === 0) continue;
      expect(off >= dataEnd && off + len <= src.size, `${what}: ${len} bytes at ${off} outside the file`, 28);
      end = Math.max(end, off + len);
    }
    expect(src.size - end < 4, `${src.size - end} bytes after the font data`, end);
    return `WOFF2 font: ${n} tables, ${compressed} bytes of Brotli data inside the file`;
  },
};
