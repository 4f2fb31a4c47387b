/**
 * MessagePack files that are not Flax checkpoints: spaCy/thinc weights
 * (`srsly.msgpack_dumps` of a model's nodes, attrs, params and shims), a
 * spaCy tokenizer or lookups table, the inside of a zlib-compressed DocBin
 * (the zlib layer is opened by the compressed-stream scanner). msgpack has
 * no magic number, so the file is claimed only when it starts with a map
 * or an array and is exactly one value to its last byte, as
 * `msgpack.unpackb` requires (it raises ExtraData otherwise).
 *
 * Loading runs no code, with one exception found and analysed here:
 * msgpack-numpy's decode hook unpickles object arrays (see `walk.ts`).
 */
import { BufferSource, type ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import type { ScanContext } from '../context.js';
import type { Probe } from '../format.js';
import { msgpackCursor } from '../flax/msgpack.js';
import { inertFormat, type Recogniser } from '../inert.js';
import { scanPickledArrays, walkValue, type WalkStats } from '../flax/msgpack-numpy.js';

/**
 * Without a magic number, a few bytes parse as msgpack by chance (`\x93NUM`,
 * the start of a .npy cut short, is an array of three ints): a claim needs a
 * file of some size and a handful of values.
 */
const MIN_BYTES = 16;
const MIN_VALUES = 4;

/** First bytes of a map or an array: fixmap/fixarray with at least one entry, map16/32, array16/32. */
function container(b: number | undefined): boolean {
  return b !== undefined && ((b > 0x80 && b <= 0x8f) || (b > 0x90 && b <= 0x9f) || (b >= 0xdc && b <= 0xdf));
}

/** Whether the head walks as msgpack: one value ending at the file's end, or running on past the head. */
function walksInHead(p: Probe): boolean {
  const c = msgpackCursor(new BufferSource(p.head), 0, p.head.length);
  const stats: WalkStats = { values: 0, pickled: [] };
  try {
    walkValue(c, stats);
    return c.pos === p.size && p.size >= MIN_BYTES && stats.values >= MIN_VALUES;
  } catch (e) {
    return e instanceof ModelguardError && e.code === 'E_TRUNCATED' && p.head.length < p.size && stats.values >= MIN_VALUES;
  }
}

const msgpack: Recogniser = {
  id: 'msgpack',
  identify: (p) => container(p.head[0]) && walksInHead(p),
  async check(src: ByteSource, ctx: ScanContext): Promise<string> {
    const c = msgpackCursor(src, 0, src.size, 256 * 1024);
    const stats: WalkStats = { values: 0, pickled: [] };
    const kind = walkValue(c, stats);
    if (c.remaining !== 0)
      throw new ModelguardError('E_MALFORMED', `${c.remaining} bytes after the msgpack value (msgpack.unpackb raises ExtraData)`, { offset: c.pos });
    const n = await scanPickledArrays(src, ctx);
    const pickled = n > 0 ? `; ${n} msgpack-numpy object array(s) analysed as pickles` : '';
    return `MessagePack ${kind} of ${stats.values} values, walked to the last byte${pickled}`;
  },
};

export const msgpackFormat = inertFormat({
  id: 'msgpack',
  title: 'MessagePack data',
  kind: 'data-container',
  rule: {
    id: 'msgpack/data',
    title: 'MessagePack data',
    severity: 'info',
    help: 'One MessagePack value spanning the file (spaCy/thinc weights, tokenizer tables, DocBins), walked within bounds. Unpacking builds plain values; object arrays that msgpack-numpy would unpickle are analysed as pickles.',
    references: ['https://github.com/msgpack/msgpack/blob/master/spec.md'],
  },
  members: [msgpack],
});
