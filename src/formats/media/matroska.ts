/**
 * Matroska and WebM (EBML, RFC 8794 / RFC 9559): demo videos and audio
 * clips. The EBML header element with a `DocType` of `matroska` or
 * `webm`, then Segments whose top-level children (SeekHead, Info, Tracks,
 * Cluster, Cues, Tags, Chapters, Attachments, Void, CRC-32) tile each
 * Segment exactly; a Segment or Cluster of unknown size (live recordings)
 * ends where an element that cannot be its child begins, or at the end of
 * the file. Players read these; no model loader does.
 */
import type { ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import type { Probe } from '../format.js';
import { expect, type Recogniser } from '../inert.js';

const EBML = 0x1a45dfa3;
const DOCTYPE = 0x4282;
const SEGMENT = 0x18538067;
const CLUSTER = 0x1f43b675;
const VOID = 0xec;
const CRC32 = 0xbf;
const LEVEL1 = new Set([0x114d9b74, 0x1549a966, 0x1654ae6b, CLUSTER, 0x1c53bb6b, 0x1254c367, 0x1043a770, 0x1941a469, VOID, CRC32]);
/** Children of a Cluster (Timestamp, SilentTracks, Position, PrevSize, SimpleBlock, BlockGroup, EncryptedBlock). */
const CLUSTER_CHILDREN = new Set([0xe7, 0x5854, 0xa7, 0xab, 0xa3, 0xa0, 0xaf, VOID, CRC32]);
/** Elements walked (CWE-400). */
const MAX_ELEMENTS = 1 << 22;

interface Element {
  id: number;
  /** Offset of the data. */
  data: number;
  /** Data size, or undefined when unknown (all value bits set). */
  size: number | undefined;
}

/** Reads an element header at `at` from `b` (a window starting at `base`). */
function header(b: Uint8Array, at: number, base: number): Element | undefined {
  let i = at - base;
  const first = b[i];
  if (first === undefined || first === 0) return undefined;
  const idLen = Math.clz32(first) - 23;
  if (idLen > 4) return undefined;
  let id = 0;
  for (let k = 0; k < idLen; k++) {
    const v = b[i++];
    if (v === undefined) return undefined;
    id = id * 256 + v;
  }
  const s0 = b[i];
  if (s0 === undefined || s0 === 0) return undefined;
  const sizeLen = Math.clz32(s0) - 23;
  let size = s0 & (0xff >> sizeLen);
  let allOnes = size === 0xff >> sizeLen;
  i++;
  for (let k = 1; k < sizeLen; k++) {
    const v = b[i++];
    if (v === undefined) return undefined;
    size = size * 256 + v;
    allOnes &&= v === 0xff;
  }
  if (size > Number.MAX_SAFE_INTEGER) return undefined;
  return { id, data: base + i, size: allOnes ? undefined : size };
}

function readHeader(src: ByteSource, at: number): Element {
  const e = header(src.read(at, Math.min(12, src.size - at)), at, at);
  expect(e !== undefined, 'EBML element header does not parse', at);
  return e;
}

function docType(p: Uint8Array): string | undefined {
  const h = header(p, 0, 0);
  if (h?.id !== EBML || h.size === undefined) return undefined;
  const end = Math.min(h.data + h.size, p.length);
  for (let at = h.data; at < end;) {
    const c = header(p, at, 0);
    if (c?.size === undefined) return undefined;
    if (c.id === DOCTYPE) return new TextDecoder('latin1').decode(p.subarray(c.data, Math.min(c.data + c.size, end)));
    at = c.data + c.size;
  }
  return undefined;
}

export const matroska: Recogniser = {
  id: 'matroska',
  first: [0x1a],
  identify(p: Probe): boolean {
    const t = docType(p.head);
    return t === 'webm' || t === 'matroska';
  },
  check(src: ByteSource): string {
    const kind = docType(src.read(0, Math.min(src.size, 4096)));
    expect(kind !== undefined, 'no EBML header with a DocType', 0);
    const h = readHeader(src, 0);
    let at = h.data + (h.size ?? 0);
    let n = 0;
    let segments = 0;
    const count = (): void => {
      if (++n > MAX_ELEMENTS) throw new ModelguardError('E_LIMIT', `Matroska: more than ${MAX_ELEMENTS} elements`, { offset: at });
    };
    /** Walks children in [from, end) (end undefined: until a non-child id or `bound`); returns where they stop. */
    const walk = (from: number, end: number | undefined, children: Set<number>, nested?: (e: Element, limit: number) => number, bound = src.size): number => {
      let pos = from;
      const limit = end ?? bound;
      while (pos < limit) {
        count();
        const e = readHeader(src, pos);
        if (!children.has(e.id)) {
          expect(end === undefined, `element 0x${e.id.toString(16)} at ${pos} is not a child here`, pos);
          return pos;
        }
        if (e.size === undefined) {
          expect(nested !== undefined, `element 0x${e.id.toString(16)} of unknown size at ${pos}`, pos);
          pos = nested(e, limit);
        } else {
          expect(e.data + e.size <= limit, `element 0x${e.id.toString(16)} at ${pos} runs past its parent`, pos);
          pos = e.data + e.size;
        }
      }
      return pos;
    };
    while (at < src.size) {
      count();
      const s = readHeader(src, at);
      expect(s.id === SEGMENT || s.id === VOID, `top-level element 0x${s.id.toString(16)} at ${at} is not a Segment`, at);
      if (s.id === VOID) {
        expect(s.size !== undefined && s.data + s.size <= src.size, 'Void element runs past the end of the file', at);
        at = s.data + s.size;
        continue;
      }
      segments++;
      const end = s.size === undefined ? undefined : s.data + s.size;
      expect(end === undefined || end <= src.size, `Segment at ${at} runs past the end of the file`, at);
      at = walk(s.data, end, LEVEL1, (e, limit) => {
        expect(e.id === CLUSTER, `element 0x${e.id.toString(16)} of unknown size`, e.data);
        return walk(e.data, undefined, CLUSTER_CHILDREN, undefined, limit);
      });
      if (end === undefined) expect(at === src.size, `bytes after a Segment of unknown size at ${at}`, at);
    }
    expect(segments > 0, 'no Segment', h.data);
    return `${kind === 'webm' ? 'WebM' : 'Matroska'} file: ${segments} segment(s), ${n} elements tiling the file`;
  },
};
