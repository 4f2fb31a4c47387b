/**
 * A MessagePack walk that finds what msgpack-numpy would unpickle: its
 * decode hook returns `pickle.loads(obj[b'data'])` for any map with
 * `nd: True` and `kind: b'O'` (an object array), so such a map's data is a
 * pickle to analyse, whatever the rest of the file is. Every other value is
 * walked within bounds without being built.
 */
import { SliceSource, type ByteSource } from '../../bytes/source.js';
import type { WindowCursor } from '../../bytes/window.js';
import { ModelguardError } from '../../errors.js';
import type { ScanContext } from '../context.js';
import { header, MAX_MSGPACK_DEPTH, msgpackCursor } from './msgpack.js';

/** Where a pickled object array's bytes lie. */
export interface PickledArray {
  at: number;
  length: number;
  path: string;
}

export interface WalkStats {
  values: number;
  pickled: PickledArray[];
}

/** Values walked per file (CWE-400); every value takes at least one byte, so this bounds a 1 GiB file. */
const MAX_VALUES = 1 << 30;

/** Key bytes decoded to match msgpack-numpy's keys (`nd`, `kind`, `data`). */
const MAX_KEY = 16;

interface Small {
  kind: string;
  text?: string;
  bool?: boolean;
  at: number;
  length: number;
}

function value(r: WindowCursor, stats: WalkStats, path: string, depth: number): Small {
  if (++stats.values > MAX_VALUES) throw new ModelguardError('E_LIMIT', `more than ${MAX_VALUES} msgpack values`, { offset: r.pos });
  const start = r.pos;
  const first = r.u8('msgpack type');
  r.seek(start);
  const h = header(r);
  switch (h.kind) {
    case 'str':
    case 'bin': {
      const at = r.pos;
      const text = h.n <= MAX_KEY ? new TextDecoder('latin1').decode(r.bytes(h.n, `msgpack ${h.kind}`)) : undefined;
      if (text === undefined) r.skip(h.n, `msgpack ${h.kind}`);
      return { kind: h.kind, ...(text === undefined ? {} : { text }), at, length: h.n };
    }
    case 'ext':
      r.skip(h.n, 'msgpack ext');
      return { kind: 'ext', at: start, length: h.n };
    case 'array':
    case 'map': {
      if (depth >= MAX_MSGPACK_DEPTH) throw new ModelguardError('E_LIMIT', `msgpack nested deeper than ${MAX_MSGPACK_DEPTH}`, { offset: start });
      const need = h.kind === 'map' ? h.n * 2 : h.n;
      if (need > r.remaining) throw new ModelguardError('E_TRUNCATED', `msgpack ${h.kind} of ${h.n} entries with ${r.remaining} bytes left`, { offset: start });
      let nd = false;
      let kindO = false;
      let data: Small | undefined;
      for (let i = 0; i < h.n; i++) {
        if (h.kind === 'array') {
          value(r, stats, `${path}/${i}`, depth + 1);
          continue;
        }
        const k = value(r, stats, path, depth + 1);
        const key = k.text ?? `<${k.kind}>`;
        const v = value(r, stats, `${path}/${key}`, depth + 1);
        if (key === 'nd' && v.bool === true) nd = true;
        if (key === 'kind' && v.text === 'O') kindO = true;
        if (key === 'data' && (v.kind === 'bin' || v.kind === 'str')) data = v;
      }
      if (nd && kindO && data !== undefined) stats.pickled.push({ at: data.at, length: data.length, path: path === '' ? '/' : path });
      return { kind: h.kind, at: start, length: r.pos - start };
    }
    case 'bool':
      return { kind: 'bool', bool: first === 0xc3, at: start, length: 1 };
    default:
      return { kind: h.kind, at: start, length: r.pos - start };
  }
}

/** Walks one value at the cursor; returns its kind. */
export function walkValue(r: WindowCursor, stats: WalkStats): string {
  return value(r, stats, '', 0).kind;
}

/**
 * Analyses, as pickles, the object arrays a msgpack-numpy loader would
 * unpickle from this MessagePack value (also in files another reading
 * claims: a Flax checkpoint is still read by msgpack_numpy if someone
 * loads it that way). Returns how many there were.
 */
export async function scanPickledArrays(src: ByteSource, ctx: ScanContext): Promise<number> {
  const stats: WalkStats = { values: 0, pickled: [] };
  walkValue(msgpackCursor(src, 0, src.size, 256 * 1024), stats);
  for (const p of stats.pickled) {
    // msgpack_numpy.decode: pickle.loads(obj[b'data']) for kind b'O'.
    await ctx.nested(new SliceSource(src, p.at, p.length), `msgpack-numpy object array at ${p.path}`, { format: 'pickle' });
  }
  return stats.pickled.length;
}
