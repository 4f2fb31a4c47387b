/**
 * MP4, QuickTime MOV, M4A, 3GP and HEIF/HEIC/AVIF images: the ISO base
 * media file format of demo videos, speech clips and phone photos in
 * model and data set repositories. A file type box (or a QuickTime movie
 * without one), boxes that tile the file and every container, a movie
 * (`moov`) or an image (`meta`), and the offset tables (chunk offsets,
 * item locations) pointing inside the media data. Players and image
 * decoders read these; no model loader does, and like every inert format
 * the bytes are first walked as a pickle from byte 0 (`inert.ts`).
 */
import type { ByteSource } from '../../bytes/source.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';
import { walkBoxes, type Box } from './boxes.js';
import { chunkOffsets, itemLocations, type Span } from './tables.js';

/** Types a QuickTime movie without `ftyp` may start with. */
const QT_FIRST = ['moov', 'mdat', 'wide', 'free', 'skip'];

function firstType(head: Uint8Array): string {
  return String.fromCharCode(...head.subarray(4, 8));
}

/** Printable brand (a trailing space is common: `qt  `). */
function brand(b: Uint8Array, at: number): string | undefined {
  const s = b.subarray(at, at + 4);
  if (s.length < 4 || !s.every((x) => x >= 0x20 && x <= 0x7e)) return undefined;
  return String.fromCharCode(...s);
}

export const isoMedia: Recogniser = {
  id: 'iso-media',
  first: [0x00],
  identify(p: Probe): boolean {
    const h = p.head;
    if (h.length < 16 || h[0] !== 0 || (h[1] ?? 0) > 0x10) return false;
    if (ascii(h, 4, 'ftyp')) return brand(h, 8) !== undefined;
    return QT_FIRST.includes(firstType(h));
  },
  check(src: ByteSource): string {
    const boxes: Box[] = [];
    walkBoxes(src, 0, src.size, (b) => boxes.push(b));
    const top = boxes.filter((b) => b.depth === 0);
    const brands: string[] = [];
    const ftyp = top[0]?.type === 'ftyp' ? top[0] : undefined;
    if (ftyp !== undefined) {
      const n = ftyp.end - ftyp.data;
      expect(n >= 8 && n % 4 === 0, `ftyp of ${n} bytes`, ftyp.start);
      const b = src.read(ftyp.data, n);
      for (let at = 0; at < n; at += 4) {
        if (at === 4) continue; // minor version
        const x = brand(b, at);
        expect(x !== undefined, `ftyp brand at ${ftyp.data + at} is not printable`, ftyp.data + at);
        brands.push(x);
      }
    }
    expect(top.filter((b) => b.type === 'ftyp').length === (ftyp === undefined ? 0 : 1), 'ftyp is not the first box, or appears twice');
    const movie = top.some((b) => b.type === 'moov');
    const image = top.some((b) => b.type === 'meta');
    expect(movie || image, 'neither a movie (moov) nor an image (meta) box at the top level');
    const mdat: Span[] = top.filter((b) => b.type === 'mdat').map((b) => ({ from: b.data, to: b.end }));
    const idatBox = boxes.find((b) => b.type === 'idat' && b.depth === 1);
    const idat = idatBox === undefined ? undefined : { from: idatBox.data, to: idatBox.end };
    const budget = { n: 0 };
    let chunks = 0;
    let items = 0;
    for (const b of boxes) {
      if (b.type === 'stco' || b.type === 'co64') chunks += chunkOffsets(src, b, mdat, budget);
      else if (b.type === 'iloc' && b.depth === 1) items += itemLocations(src, b, mdat, idat, budget);
    }
    const what = movie ? `movie (${chunks} chunk offsets inside mdat)` : `image (${items} items located inside mdat/idat)`;
    return `ISO media ${brands[0] ?? 'QuickTime'} ${what}; ${top.length} top-level boxes, ${boxes.length} in all, tile the file`;
  },
};
