/**
 * Where the opcodes may resume after array bytes of unknown length. Code
 * can only run in what follows if it imports something (GLOBAL, INST,
 * STACK_GLOBAL) or calls what the stream built before, and the second is
 * judged where it was built; so the offsets worth trying are the import
 * sites: each GLOBAL/INST whose two lines are Python names, and each
 * STACK_GLOBAL, started from the earliest offset (up to a few hundred
 * bytes back) from which decoding lands exactly on it, so that the two
 * operand pushes before it are part of the try. The array itself could
 * also be empty, so the first offset is always a candidate.
 */
import type { ByteSource } from '../../bytes/source.js';
import { Op } from '../pickle/opcodes.js';
import { PickleReader } from '../pickle/reader.js';

/** Bytes searched for import sites after an array of unknown size (CWE-400: bounded work). */
export const MAX_RESYNC_SCAN = 64 * 1024 * 1024;
/** How far before a STACK_GLOBAL its operand pushes are looked for. */
const STACK_GLOBAL_LOOKBACK = 256;
const NAME_LINE = /^[A-Za-z_][A-Za-z0-9_.]{0,255}$/;
const CHUNK = 1 << 20;

export interface ResyncCandidates {
  offsets: number[];
  /** More sites than `max`, or a region longer than the scan limit: not every resynchronisation was tried. */
  incomplete: boolean;
}

function nameLines(bytes: Uint8Array, at: number): boolean {
  const nl1 = bytes.indexOf(0x0a, at);
  if (nl1 < 0 || nl1 - at > 256) return false;
  const nl2 = bytes.indexOf(0x0a, nl1 + 1);
  if (nl2 < 0 || nl2 - nl1 > 257) return false;
  const dec = (a: number, b: number): string => String.fromCharCode(...bytes.subarray(a, b));
  return NAME_LINE.test(dec(at, nl1)) && NAME_LINE.test(dec(nl1 + 1, nl2));
}

/** The earliest offset in [site - lookback, site] from which decoding lands exactly on `site`. */
function landingStart(src: ByteSource, site: number, floor: number, end: number, maxConst: number): number {
  for (let c = Math.max(floor, site - STACK_GLOBAL_LOOKBACK); c < site; c++) {
    const r = new PickleReader(src, c, end, maxConst);
    try {
      while (r.pos < site) r.next();
      if (r.pos === site) return c;
    } catch {
      // Not an opcode boundary from here.
    }
  }
  return site;
}

export function resyncCandidates(src: ByteSource, from: number, end: number, max: number, maxConst: number): ResyncCandidates {
  const offsets = [from];
  const stop = Math.min(end, from + MAX_RESYNC_SCAN);
  let incomplete = stop < end;
  for (let base = from; base < stop && !incomplete; base += CHUNK) {
    // Overlap chunks so a site's two name lines are seen whole.
    const len = Math.min(CHUNK + 600, stop - base);
    const bytes = src.read(base, len);
    const limit = Math.min(CHUNK, len);
    for (let i = 0; i < limit; i++) {
      const b = bytes[i];
      let at: number | undefined;
      if ((b === Op.GLOBAL || b === Op.INST) && nameLines(bytes, i + 1)) at = base + i;
      else if (b === Op.STACK_GLOBAL) at = landingStart(src, base + i, from, end, maxConst);
      if (at === undefined || offsets.includes(at)) continue;
      if (offsets.length >= max) {
        incomplete = true;
        break;
      }
      offsets.push(at);
    }
  }
  return { offsets, incomplete };
}
