/**
 * Flax checkpoints (`flax_model.msgpack`): `flax.serialization.to_bytes`,
 * a MessagePack map of nested maps whose leaves are arrays as ext values
 * (type 1: a nested msgpack (shape, dtype name, C-order bytes); 3: a NumPy
 * scalar the same way; 2: a complex number). Loading runs no code:
 * `from_bytes` unpacks with msgpack and rebuilds arrays with
 * `np.frombuffer(buffer, dtype=np.dtype(name))`, which refuses object dtypes.
 * So the file is checked for what the loader needs to succeed: valid
 * MessagePack within its bounds, known ext types, array headers whose dtype
 * NumPy knows and whose byte count matches the shape.
 */
import type { ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { defineRules } from '../../findings/rules.js';
import { BufferSource } from '../../bytes/source.js';
import { msgpackCursor, walk } from './msgpack.js';
import { scanPickledArrays } from './msgpack-numpy.js';
import { dtypeNameSize } from '../numpy/dtype-names.js';

const RULES = {
  model: {
    id: 'flax/checkpoint',
    title: 'Flax msgpack checkpoint',
    severity: 'info',
    help: 'A Flax state dict in MessagePack: nested maps of arrays. flax.serialization.from_bytes rebuilds arrays with np.frombuffer and runs no code; every value was walked within the file and every array header checked.',
  },
  otherExt: {
    id: 'flax/unknown-ext',
    title: 'MessagePack extension type Flax does not write',
    severity: 'info',
    help: 'An ext value with a type code other than 1-3: Flax hands it back as an opaque ExtType object; it is not decoded.',
  },
} as const;
defineRules(Object.values(RULES));

/** An ndarray ext payload: msgpack (shape, dtype name, bytes); returns the element count. */
function checkArray(src: ByteSource, at: number, length: number, where: string): number {
  // The header is a few hundred bytes at most; the array data after it is skipped unread.
  const c = msgpackCursor(src, at, at + length, 1024);
  const b0 = c.u8('array header');
  if (b0 !== 0x93) throw new ModelguardError('E_MALFORMED', `${where}: array payload is not a 3-element array`, { offset: at });
  // shape: an array of non-negative ints.
  const shapeStart = c.pos;
  const dims: number[] = [];
  const sh = c.u8('shape');
  const n = (sh & 0xf0) === 0x90 ? sh & 0x0f : sh === 0xdc ? c.u16('shape') : -1;
  if (n < 0 || n > 64) throw new ModelguardError('E_MALFORMED', `${where}: array shape is not a short array`, { offset: shapeStart });
  for (let i = 0; i < n; i++) {
    const v = walk(c, {});
    if (v.kind !== 'int' || typeof v.value !== 'number' || v.value < 0)
      throw new ModelguardError('E_MALFORMED', `${where}: shape entry ${i} is not a size`, { offset: shapeStart });
    dims.push(v.value);
  }
  // The dtype name: Flax writes a str; unpackb(raw=True) reads str and bin alike as bytes.
  const nameAt = c.pos;
  const t = c.u8('dtype name');
  const nameLen = (t & 0xe0) === 0xa0 ? t & 0x1f : t === 0xd9 || t === 0xc4 ? c.u8('dtype name length') : -1;
  const dtype = nameLen < 0 ? undefined : new TextDecoder().decode(c.bytes(nameLen, 'dtype name'));
  const item = dtype === undefined ? undefined : dtypeNameSize(dtype, true);
  if (item === undefined)
    throw new ModelguardError('E_MALFORMED', `${where}: dtype ${JSON.stringify(dtype ?? '?')} is not one np.frombuffer can read`, { offset: nameAt });
  const dataAt = c.pos;
  const h = c.u8('array data');
  const len = h === 0xc4 ? c.u8('bin8') : h === 0xc5 ? c.u16('bin16') : h === 0xc6 ? c.u32('bin32') : -1;
  if (len < 0) throw new ModelguardError('E_MALFORMED', `${where}: array data is not bytes`, { offset: dataAt });
  const count = dims.reduce((a, d) => a * d, 1);
  if (count * item !== len)
    throw new ModelguardError('E_MALFORMED', `${where}: ${len} bytes for shape [${dims.join(', ')}] of ${dtype} (${count * item} expected): reshape fails`, {
      offset: dataAt,
    });
  c.skip(len, 'array data');
  if (c.remaining !== 0) throw new ModelguardError('E_MALFORMED', `${where}: ${c.remaining} bytes after the array`, { offset: c.pos });
  return count;
}

function sniffFlax(head: Uint8Array): boolean {
  const b0 = head[0];
  if (b0 === undefined || !((b0 & 0xf0) === 0x80 || b0 === 0xde || b0 === 0xdf) || b0 === 0x80) return false;
  const c = msgpackCursor(new BufferSource(head), 0, head.length);
  try {
    c.skip(b0 === 0xde ? 3 : b0 === 0xdf ? 5 : 1, 'map');
    // The first key must be a string, and its value a map or an array ext, as Flax writes.
    const k = walk(c, {});
    if (k.kind !== 'str' || typeof k.value !== 'string' || k.value.length === 0) return false;
    const t = c.u8('value type');
    if ((t & 0xf0) === 0x80 || t === 0xde || t === 0xdf) return true;
    if (t === 0xc7 || t === 0xc8 || t === 0xc9) {
      const skip = t === 0xc7 ? 1 : t === 0xc8 ? 2 : 4;
      c.skip(skip, 'ext length');
      const code = c.u8('ext type');
      return code === 1 || code === 3;
    }
    return false;
  } catch {
    return false;
  }
}

export const flaxFormat: FormatScanner = {
  id: 'flax-msgpack',
  title: 'Flax msgpack checkpoint',
  sniff(probe: Probe): boolean {
    return sniffFlax(probe.head);
  },
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const c = msgpackCursor(src, 0, src.size);
    let arrays = 0;
    let elements = 0;
    const others = new Set<number>();
    const top = walk(c, {
      ext(code, at, length, path) {
        const where = path.join('/');
        if (code === 1 || code === 3) {
          elements += checkArray(src, at, length, where);
          arrays++;
        } else if (code === 2) {
          // A complex number: msgpack (real, imag).
          const cc = msgpackCursor(src, at, at + length, 1024);
          walk(cc, {});
        } else others.add(code);
      },
    });
    if (top.kind !== 'map') throw new ModelguardError('E_MALFORMED', `the checkpoint is a msgpack ${top.kind}, not a state dict`);
    if (c.remaining !== 0)
      throw new ModelguardError('E_MALFORMED', `${c.remaining} bytes after the msgpack value (msgpack.unpackb raises ExtraData)`, { offset: c.pos });
    for (const code of others)
      ctx.report({ rule: RULES.otherExt.id, severity: 'info', message: `ext type ${code} (not one Flax writes) is returned undecoded` });
    ctx.info('flax.arrays', arrays);
    ctx.info('flax.elements', elements);
    // Flax's from_bytes unpickles nothing, but the same bytes read with msgpack-numpy's hook would.
    await scanPickledArrays(src, ctx);
    ctx.report({ rule: RULES.model.id, severity: 'info', message: `Flax checkpoint: ${arrays} arrays, ${elements} elements` });
  },
};
