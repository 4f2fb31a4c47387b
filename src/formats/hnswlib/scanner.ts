/**
 * hnswlib indexes (`Index.save_index`, `HierarchicalNSW::saveIndex` in
 * hnswlib's `hnswalg.h`): a header of sizes and graph parameters, the
 * level-0 block (per element: its links, its vector, its label), then per
 * element the size of its upper-level links and those links. `load_index`
 * reads numbers; nothing runs. Recognised by the header's internal
 * arithmetic (the offsets follow from M and the vector size) and walked to
 * the last byte.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { ScanContext } from '../context.js';
import { WindowCursor } from '../../bytes/window.js';
import { ByteReader } from '../../bytes/reader.js';
import { ModelguardError } from '../../errors.js';
import type { Probe } from '../format.js';
import { expect, inertFormat, type Recogniser } from '../inert.js';

/** Header bytes: six size_t, an int, a uint32, three size_t, a double, a size_t. */
const HEADER = 8 * 6 + 4 + 4 + 8 * 3 + 8 + 8;
/** Elements walked one by one (CWE-400: CPU exhaustion); each also needs 4 bytes of the file. */
const MAX_ELEMENTS = 1 << 28;
/** Graph degree a real index uses at most (hnswlib's M is 2..100). */
const MAX_M = 1 << 16;

interface Header {
  maxElements: number;
  count: number;
  perElement: number;
  maxLevel: number;
  maxM: number;
}

function header(b: Uint8Array): Header | undefined {
  if (b.length < HEADER) return undefined;
  const r = new ByteReader(b);
  try {
    const offsetLevel0 = r.u64safe();
    const maxElements = r.u64safe();
    const count = r.u64safe();
    const perElement = r.u64safe();
    const labelOffset = r.u64safe();
    const offsetData = r.u64safe();
    const maxLevel = r.i32le();
    r.u32le(); // entry point
    const maxM = r.u64safe();
    const maxM0 = r.u64safe();
    const m = r.u64safe();
    const ok =
      offsetLevel0 === 0 &&
      count <= maxElements &&
      m >= 1 &&
      m <= MAX_M &&
      maxM === m &&
      maxM0 === 2 * m &&
      offsetData === maxM0 * 4 + 4 &&
      labelOffset > offsetData &&
      perElement === labelOffset + 8 &&
      maxLevel >= -1 &&
      maxLevel < 64;
    return ok ? { maxElements, count, perElement, maxLevel, maxM } : undefined;
  } catch {
    return undefined;
  }
}

export const hnswlibIndex: Recogniser = {
  id: 'hnswlib-index',
  first: [0],
  identify: (p: Probe) => header(p.head) !== undefined,
  check(src: ByteSource): string {
    const h = header(src.read(0, Math.min(HEADER, src.size)));
    expect(h !== undefined, 'not an hnswlib header', 0);
    if (h.count > MAX_ELEMENTS) throw new ModelguardError('E_LIMIT', `hnswlib: ${h.count} elements (limit ${MAX_ELEMENTS})`, { offset: 16 });
    const c = new WindowCursor(src, HEADER);
    const level0 = h.count * h.perElement;
    expect(Number.isSafeInteger(level0) && level0 <= c.remaining, `${h.count} elements of ${h.perElement} bytes do not fit the file`, HEADER);
    c.skip(level0, 'level-0 block');
    const perLevel = h.maxM * 4 + 4;
    for (let i = 0; i < h.count; i++) {
      const at = c.pos;
      const size = c.u32('link list size');
      expect(size % perLevel === 0 && size / perLevel <= Math.max(0, h.maxLevel), `element ${i}: ${size} bytes of upper-level links`, at);
      c.skip(size, 'upper-level links');
    }
    expect(c.remaining === 0, `${c.remaining} bytes after the last element`, c.pos);
    return `hnswlib index of ${h.count} elements (room for ${h.maxElements}) whose graph accounts for all ${src.size} bytes`;
  },
};

/** Chroma's persistent segment (chroma-hnswlib `persistDirty`): header.bin is the same header behind an int32 persistence version. */
const CHROMA_HEADER = 4 + HEADER;
const CHROMA_PERSISTENCE_VERSION = 1;
/** Info keys: the bytes Chroma's header.bin declares for the level-0 block (data_level0.bin) and the norms (length.bin). */
export const CHROMA_LEVEL0_BYTES = 'chroma.level0Bytes';
export const CHROMA_LENGTH_BYTES = 'chroma.lengthBytes';

function chromaHeader(b: Uint8Array): Header | undefined {
  if (b.length !== CHROMA_HEADER || (b[0] ?? 0) !== CHROMA_PERSISTENCE_VERSION || b[1] !== 0 || b[2] !== 0 || b[3] !== 0) return undefined;
  return header(b.subarray(4));
}

export const chromaHeaderFile: Recogniser = {
  id: 'chroma-hnsw-header',
  first: [CHROMA_PERSISTENCE_VERSION],
  identify: (p: Probe) => p.size === CHROMA_HEADER && chromaHeader(p.head.subarray(0, CHROMA_HEADER)) !== undefined,
  check(src: ByteSource, ctx: ScanContext): string {
    const h = chromaHeader(src.read(0, Math.min(src.size, CHROMA_HEADER + 1)));
    expect(h !== undefined, 'not a Chroma hnswlib header', 0);
    const level0 = h.count * h.perElement;
    if (Number.isSafeInteger(level0)) ctx.info(CHROMA_LEVEL0_BYTES, level0);
    ctx.info(CHROMA_LENGTH_BYTES, h.count * 4);
    return `Chroma hnswlib segment header: ${h.count} elements (room for ${h.maxElements}) of ${h.perElement} bytes, M ${h.maxM}`;
  },
};

export const hnswlibFormat = inertFormat({
  id: 'hnswlib',
  title: 'hnswlib index',
  kind: 'data-container',
  rule: {
    id: 'hnswlib/index',
    title: 'hnswlib index',
    severity: 'info',
    help: 'An hnswlib vector index (Index.save_index) walked to its last byte: graph parameters, vectors, labels and links; or the header.bin of a Chroma persistent segment (the same header behind a persistence version). hnswlib.Index.load_index and Chroma read numbers; nothing runs.',
    references: ['https://github.com/nmslib/hnswlib/blob/master/hnswlib/hnswalg.h'],
  },
  members: [hnswlibIndex, chromaHeaderFile],
});
