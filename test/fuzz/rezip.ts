/** Reads a well-formed zip's members and rebuilds it with one member changed, CRCs and offsets correct, so a mutated pickle inside a checkpoint reaches the pickle machine. */
import { inflateRawSync } from 'node:zlib';
import { buildZip, type BuildEntry } from '../zip-builder.js';
import { zipLayout } from './layouts-containers.js';

export interface Member {
  name: string;
  data: Uint8Array;
  deflate: boolean;
}

const u16 = (d: Uint8Array, at: number): number => (d[at] ?? 0) | ((d[at + 1] ?? 0) << 8);
const u32 = (d: Uint8Array, at: number): number => (u16(d, at) + u16(d, at + 2) * 0x10000) >>> 0;

export function members(d: Uint8Array): Member[] {
  const out: Member[] = [];
  for (const f of zipLayout(d).fields) {
    if (!/^cd\[\d+\]\.localOffset$/.test(f.what)) continue;
    const cd = f.at - 42;
    const name = Buffer.from(d.subarray(cd + 46, cd + 46 + u16(d, cd + 28))).toString('utf8');
    const local = u32(d, cd + 42);
    const start = local + 30 + u16(d, local + 26) + u16(d, local + 28);
    const body = d.subarray(start, start + u32(d, cd + 20));
    const deflate = u16(d, cd + 10) === 8;
    out.push({ name, data: deflate ? new Uint8Array(inflateRawSync(body)) : body.slice(), deflate });
  }
  return out;
}

/** The archive rebuilt with `pick`'s member replaced by `data`. */
export function rezip(list: readonly Member[], pick: (m: Member) => boolean, data: Uint8Array): Uint8Array {
  const entries: BuildEntry[] = list.map((m) => ({ name: m.name, data: pick(m) ? data : m.data, deflate: m.deflate }));
  return buildZip(entries);
}
