/**
 * The raster formats data sets and model cards carry beside PNG and JPEG:
 * BMP, TIFF, PGM/PPM/PBM (Netpbm) and ICO. Each is checked for the
 * structure its readers (PIL, tifffile, imageio) follow: declared sizes and
 * offsets inside the file, pixel data where the header puts it.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';

/** IFDs and entries walked in a TIFF (CWE-400: a looped IFD chain, huge entry counts). */
const MAX_IFDS = 4096;
const MAX_IFD_ENTRIES = 4096;

const DIB_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

export const bmp: Recogniser = {
  id: 'bmp',
  first: 'B',
  identify(p: Probe): boolean {
    if (!ascii(p.head, 0, 'BM') || p.head.length < 26) return false;
    const dib = (p.head[14] ?? 0) | ((p.head[15] ?? 0) << 8) | ((p.head[16] ?? 0) << 16) | ((p.head[17] ?? 0) << 24);
    return DIB_SIZES.has(dib);
  },
  check(src: ByteSource): string {
    const c = new WindowCursor(src, 0, src.size, 256);
    c.skip(2, 'BM');
    const declared = c.u32('file size');
    c.skip(4, 'reserved');
    const offset = c.u32('pixel data offset');
    const dib = c.u32('DIB header size');
    expect(declared === src.size, `header says ${declared} bytes, the file has ${src.size}`, 2);
    expect(offset >= 14 + dib && offset <= src.size, `pixel data offset ${offset} outside the file`, 10);
    let width: number;
    let height: number;
    let bpp: number;
    let compression = 0;
    if (dib === 12) {
      width = c.u16('width');
      height = c.u16('height');
      expect(c.u16('planes') === 1, 'planes is not 1', 22);
      bpp = c.u16('bits per pixel');
    } else {
      width = c.i32('width');
      height = c.i32('height');
      expect(c.u16('planes') === 1, 'planes is not 1', 26);
      bpp = c.u16('bits per pixel');
      compression = c.u32('compression');
    }
    expect(width > 0 && height !== 0 && [1, 2, 4, 8, 16, 24, 32].includes(bpp), `${width}x${height} at ${bpp} bits per pixel`, 18);
    if (compression === 0) {
      const row = Math.ceil((width * bpp) / 32) * 4;
      const need = row * Math.abs(height);
      expect(offset + need <= src.size, `${width}x${Math.abs(height)} pixels at ${bpp} bits need ${need} bytes after offset ${offset}`, offset);
    }
    return `BMP image ${width}x${Math.abs(height)}, ${bpp} bits per pixel; header and pixel data within the file`;
  },
};

/** Bytes per value of each TIFF field type (TIFF 6.0 section 2, plus BigTIFF-less 64-bit types). */
const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };

/** StripOffsets, StripByteCounts, TileOffsets, TileByteCounts. */
const STRIP_TAGS = new Set([273, 279, 324, 325]);
const MAX_STRIPS = 1 << 20;

function stripValues(src: ByteSource, le: boolean, type: number, count: number, at: number): number[] {
  const w = type === 3 ? 2 : 4;
  const b = src.read(at, w * count);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(w === 2 ? v.getUint16(2 * i, le) : v.getUint32(4 * i, le));
  return out;
}

export const tiff: Recogniser = {
  id: 'tiff',
  first: 'IM',
  identify(p: Probe): boolean {
    return (ascii(p.head, 0, 'II') && p.head[2] === 42 && p.head[3] === 0) || (ascii(p.head, 0, 'MM') && p.head[2] === 0 && p.head[3] === 42);
  },
  check(src: ByteSource): string {
    const c = new WindowCursor(src, 0, src.size, 64 * 1024);
    c.littleEndian = src.read(0, 1)[0] === 0x49;
    c.skip(4, 'byte order');
    let ifd = c.u32('first IFD offset');
    const seen = new Set<number>();
    let entries = 0;
    while (ifd !== 0) {
      expect(!seen.has(ifd) && seen.size < MAX_IFDS, `IFD chain loops or passes ${MAX_IFDS} directories`, ifd);
      seen.add(ifd);
      expect(ifd >= 8 && ifd + 2 <= src.size, `IFD offset ${ifd} outside the file`, ifd);
      c.seek(ifd);
      const n = c.u16('IFD entry count');
      expect(n > 0 && n <= MAX_IFD_ENTRIES && ifd + 2 + n * 12 + 4 <= src.size, `IFD of ${n} entries at ${ifd} does not fit`, ifd);
      const data = new Map<number, number[]>();
      for (let i = 0; i < n; i++) {
        const at = c.pos;
        const tag = c.u16('tag');
        const type = c.u16('type');
        const count = c.u32('count');
        const value = c.u32('value or offset');
        const size = (TYPE_SIZE[type] ?? 0) * count;
        expect(TYPE_SIZE[type] !== undefined || type === 0, `entry ${i} of IFD at ${ifd} has field type ${type}`, at);
        // Values over 4 bytes live at the offset, which must lie inside the file.
        if (size > 4) expect(value + size <= src.size, `entry ${i} of IFD at ${ifd}: ${size} bytes at offset ${value} run past the file`, at);
        if (STRIP_TAGS.has(tag) && (type === 3 || type === 4) && count <= MAX_STRIPS)
          data.set(tag, stripValues(src, c.littleEndian, type, count, size > 4 ? value : at + 8));
      }
      // Strips and tiles (offsets with their byte counts) must lie inside the file.
      for (const [offTag, lenTag] of [
        [273, 279],
        [324, 325],
      ] as const) {
        const offs = data.get(offTag) ?? [];
        const lens = data.get(lenTag) ?? [];
        offs.forEach((o, k) => {
          expect(o + (lens[k] ?? 0) <= src.size, `image data of ${lens[k] ?? 0} bytes at offset ${o} runs past the file`, ifd);
        });
      }
      entries += n;
      ifd = c.u32('next IFD offset');
    }
    return `TIFF image: ${seen.size} directory(ies), ${entries} entries, every value inside the file`;
  },
};

/** Netpbm header tokens after the magic: width, height and (except bitmaps) maxval, with `#` comments. */
function pnmHeader(b: Uint8Array, fields: number): { values: number[]; end: number } | undefined {
  const values: number[] = [];
  let i = 2;
  while (values.length < fields) {
    const ch = b[i];
    if (ch === undefined) return undefined;
    if (ch === 0x23) {
      while (i < b.length && b[i] !== 0x0a && b[i] !== 0x0d) i++;
    } else if (ch === 0x20 || ch === 0x09 || ch === 0x0a || ch === 0x0d || ch === 0x0b || ch === 0x0c) i++;
    else if (ch >= 0x30 && ch <= 0x39) {
      let v = 0;
      while (i < b.length && (b[i] as number) >= 0x30 && (b[i] as number) <= 0x39 && v < 1e9) v = v * 10 + (b[i++] as number) - 0x30;
      values.push(v);
    } else return undefined;
  }
  // Exactly one whitespace byte separates the header from binary data.
  const sep = b[i];
  if (sep !== 0x20 && sep !== 0x09 && sep !== 0x0a && sep !== 0x0d) return undefined;
  return { values, end: i + 1 };
}

export const pnm: Recogniser = {
  id: 'pnm',
  first: 'P',
  identify(p: Probe): boolean {
    const k = p.head[1];
    if (p.head[0] !== 0x50 || k === undefined || k < 0x31 || k > 0x36) return false;
    const h = pnmHeader(p.head, k === 0x31 || k === 0x34 ? 2 : 3);
    return h !== undefined && h.values.every((v, i) => v > 0 && (i < 2 || v < 65536));
  },
  check(src: ByteSource): string {
    const head = src.read(0, Math.min(src.size, 4096));
    const kind = (head[1] ?? 0) - 0x30;
    const h = pnmHeader(head, kind === 1 || kind === 4 ? 2 : 3);
    expect(h !== undefined, 'Netpbm header does not parse', 0);
    const [w = 0, hgt = 0, max = 1] = h.values;
    const name = kind === 1 || kind === 4 ? 'PBM' : kind === 2 || kind === 5 ? 'PGM' : 'PPM';
    if (kind >= 4) {
      const channels = kind === 6 ? 3 : 1;
      const need = kind === 4 ? Math.ceil(w / 8) * hgt : w * hgt * channels * (max < 256 ? 1 : 2);
      expect(h.end + need === src.size, `${w}x${hgt} ${name} needs ${need} bytes of raster after the header, the file has ${src.size - h.end}`, h.end);
    } else {
      // Plain (ASCII) rasters: digits and whitespace only.
      const rest = src.read(h.end, src.size - h.end);
      expect(
        rest.every((b) => (b >= 0x30 && b <= 0x39) || b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09),
        'plain raster holds bytes other than digits and whitespace',
        h.end,
      );
    }
    return `${name} image ${w}x${hgt}; raster size matches the header`;
  },
};

export const ico: Recogniser = {
  id: 'ico',
  first: [0],
  identify(p: Probe): boolean {
    const b = p.head;
    const count = (b[4] ?? 0) | ((b[5] ?? 0) << 8);
    return b[0] === 0 && b[1] === 0 && (b[2] === 1 || b[2] === 2) && b[3] === 0 && count > 0 && 6 + 16 * count <= p.size && b[9] === 0;
  },
  check(src: ByteSource): string {
    const c = new WindowCursor(src, 4, src.size, 64 * 1024);
    const count = c.u16('image count');
    for (let i = 0; i < count; i++) {
      const at = 6 + 16 * i;
      c.seek(at + 8);
      const size = c.u32('image size');
      const offset = c.u32('image offset');
      expect(offset >= 6 + 16 * count && size > 0 && offset + size <= src.size, `image ${i}: ${size} bytes at offset ${offset} outside the file`, at);
      const head = src.read(offset, Math.min(8, size));
      const png = head[0] === 0x89 && ascii(head, 1, 'PNG');
      const dib = head[0] === 40 && head[1] === 0 && head[2] === 0 && head[3] === 0;
      expect(png || dib, `image ${i} at offset ${offset} is neither PNG nor a BMP DIB`, offset);
    }
    return `ICO icon: ${count} image(s), each a PNG or DIB inside the file`;
  },
};
