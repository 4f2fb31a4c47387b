/**
 * Field locators for model formats: pickle opcodes (CPython pickletools),
 * GGUF (ggml docs/gguf.md, little-endian v2/v3), protobuf wire format
 * (ONNX), NumPy .npy headers, safetensors, HDF5 superblock v0/v1.
 */
import { OPCODES } from '../../src/formats/pickle/opcodes.js';
import type { Field, Layout } from './fields.js';

const u32 = (d: Uint8Array, at: number): number => ((d[at] ?? 0) | ((d[at + 1] ?? 0) << 8) | ((d[at + 2] ?? 0) << 16)) + (d[at + 3] ?? 0) * 0x1000000;
const u64 = (d: Uint8Array, at: number): number => u32(d, at) + u32(d, at + 4) * 2 ** 32;

const LENGTH: Record<string, number> = { string1: 1, bytes1: 1, unicodestring1: 1, long1: 1, string4: 4, bytes4: 4, unicodestring4: 4, long4: 4 };
const WIDE: Record<string, number> = { bytes8: 8, bytearray8: 8, unicodestring8: 8 };
const UINT: Record<string, number> = { uint1: 1, uint2: 2, uint4: 4, uint8: 8, int4: 4 };

/** Every opcode a boundary; every length, memo index, frame size and protocol a field. */
export function pickleLayout(d: Uint8Array, base = 0, end = d.length): Layout {
  const fields: Field[] = [];
  const bounds: number[] = [];
  const records: [number, number][] = [];
  let p = base;
  while (p < end) {
    const op = OPCODES[d[p] ?? 0];
    if (op === undefined) break;
    const start = p;
    bounds.push(p);
    p++;
    const w = LENGTH[op.arg] ?? WIDE[op.arg];
    if (w !== undefined) {
      const n = w === 1 ? (d[p] ?? 0) : w === 4 ? u32(d, p) : u64(d, p);
      fields.push({ at: p, width: w, enc: 'le', what: `${op.name}@${start}.len` });
      p += w + n;
    } else if (UINT[op.arg] !== undefined) {
      const uw = UINT[op.arg] as number;
      fields.push({ at: p, width: uw, enc: 'le', what: `${op.name}@${start}` });
      // FRAME's argument is the frame's length; the frame's opcodes follow.
      p += uw;
    } else if (op.arg === 'float8') p += 8;
    else if (op.arg !== 'none') {
      const lines = op.arg === 'stringnl_noescape_pair' ? 2 : 1;
      for (let l = 0; l < lines; l++) {
        while (p < end && d[p] !== 0x0a) p++;
        p++;
      }
    }
    records.push([start, Math.min(p, end)]);
    // Legacy torch files and joblib streams put pickles back to back: go on after STOP while opcodes follow.
  }
  bounds.push(Math.min(p, end));
  return { fields, bounds, records };
}

/**
 * Whether pickle.load still executes the opcode the payload ran at (`at`, whose byte was `op`) in a mutant:
 * the mutant's opcodes, walked as the unpickler reads them, land on `at` with the same opcode before the
 * STOP that ends the load (every STOP, for streams the loader reads pickle after pickle: legacy torch files).
 * A length changed to swallow or expose bytes can end the pickle early; then the payload never runs.
 */
export function runsOpcodeAt(d: Uint8Array, at: number, op: number, base = 0, multi = false): boolean {
  if (d[at] !== op) return false;
  const walk = pickleLayout(d, base, d.length);
  let stops = 0;
  for (const b of walk.bounds) {
    if (b === at) return true;
    if (b > at) return false;
    if (d[b] === 0x2e && ++stops > 0 && !multi) return false;
  }
  return false;
}

/** GGUF v2/v3 little-endian: counts, string lengths, array counts, tensor dims and offsets. */
export function ggufLayout(d: Uint8Array): Layout {
  const fields: Field[] = [
    { at: 4, width: 4, enc: 'le', what: 'gguf.version' },
    { at: 8, width: 8, enc: 'le', what: 'gguf.tensorCount' },
    { at: 16, width: 8, enc: 'le', what: 'gguf.kvCount' },
  ];
  const bounds: number[] = [24];
  const records: [number, number][] = [];
  let p = 24;
  const str = (what: string): void => {
    fields.push({ at: p, width: 8, enc: 'le', what });
    p += 8 + u64(d, p);
  };
  const SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
  const value = (type: number, what: string, depth: number): void => {
    if (type === 8) str(`${what}.len`);
    else if (type === 9 && depth < 3) {
      const et = u32(d, p);
      fields.push({ at: p, width: 4, enc: 'le', what: `${what}.elemType` }, { at: p + 4, width: 8, enc: 'le', what: `${what}.count` });
      const n = u64(d, p + 4);
      p += 12;
      for (let i = 0; i < n && p < d.length; i++) value(et, `${what}[${i}]`, depth + 1);
    } else p += SIZES[type] ?? d.length;
  };
  for (let i = 0; i < u64(d, 16) && p < d.length; i++) {
    const start = p;
    str(`kv[${i}].keyLen`);
    const type = u32(d, p);
    fields.push({ at: p, width: 4, enc: 'le', what: `kv[${i}].type` });
    p += 4;
    value(type, `kv[${i}]`, 0);
    bounds.push(start, p);
    records.push([start, Math.min(p, d.length)]);
  }
  for (let i = 0; i < u64(d, 8) && p < d.length; i++) {
    const start = p;
    str(`tensor[${i}].nameLen`);
    const dims = u32(d, p);
    fields.push({ at: p, width: 4, enc: 'le', what: `tensor[${i}].nDims` });
    p += 4;
    for (let k = 0; k < dims && k < 8; k++, p += 8) fields.push({ at: p, width: 8, enc: 'le', what: `tensor[${i}].dim${k}` });
    fields.push({ at: p, width: 4, enc: 'le', what: `tensor[${i}].type` }, { at: p + 4, width: 8, enc: 'le', what: `tensor[${i}].offset`, offset: true });
    p += 12;
    bounds.push(start, p);
    records.push([start, Math.min(p, d.length)]);
  }
  return { fields, bounds, records };
}

function varint(d: Uint8Array, p: number): [number, number] | undefined {
  let v = 0;
  for (let i = 0; i < 10; i++) {
    const b = d[p + i];
    if (b === undefined) return undefined;
    v += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return [v, i + 1];
  }
  return undefined;
}

/** Every length-delimited field's length (as a varint), recursing into what parses as a message. */
export function protobufLayout(d: Uint8Array): Layout {
  const out: Layout = { fields: [], bounds: [], records: [] };
  const walk = (start: number, end: number, depth: number, path: string): boolean => {
    let p = start;
    const mine: Layout = { fields: [], bounds: [], records: [] };
    while (p < end) {
      const key = varint(d, p);
      if (key === undefined || key[0] === 0) return false;
      const rec = p;
      p += key[1];
      const wt = key[0] % 8;
      const tag = Math.floor(key[0] / 8);
      if (wt === 0) {
        const v = varint(d, p);
        if (v === undefined) return false;
        p += v[1];
      } else if (wt === 1) p += 8;
      else if (wt === 5) p += 4;
      else if (wt === 2) {
        const len = varint(d, p);
        if (len === undefined || p + len[1] + len[0] > end) return false;
        mine.fields.push({ at: p, width: len[1], enc: 'varint', what: `${path}.${tag}@${rec}.len` });
        p += len[1];
        if (depth < 12 && len[0] > 1) walk(p, p + len[0], depth + 1, `${path}.${tag}`);
        p += len[0];
      } else return false;
      if (p > end) return false;
      mine.bounds.push(rec, p);
      mine.records.push([rec, p]);
    }
    out.fields.push(...mine.fields);
    out.bounds.push(...mine.bounds);
    if (depth <= 1) out.records.push(...mine.records);
    return true;
  };
  walk(0, d.length, 0, 'pb');
  return out;
}

/** .npy: the version and header length; the header dict's end. */
export function npyLayout(d: Uint8Array): Layout {
  const v1 = d[6] === 1;
  const hl = v1 ? (d[8] ?? 0) | ((d[9] ?? 0) << 8) : u32(d, 8);
  const end = (v1 ? 10 : 12) + hl;
  return {
    fields: [
      { at: 6, width: 1, enc: 'le', what: 'npy.major' },
      { at: 8, width: v1 ? 2 : 4, enc: 'le', what: 'npy.headerLen' },
    ],
    bounds: [6, 8, v1 ? 10 : 12, end],
    records: [[end, d.length]],
  };
}

/** safetensors: the header length; tensor spans are mutated in the JSON (see structure.test.ts). */
export function safetensorsLayout(d: Uint8Array): Layout {
  const end = 8 + u64(d, 0);
  return { fields: [{ at: 0, width: 8, enc: 'le', what: 'st.headerLen' }], bounds: [8, end], records: [] };
}

/** HDF5 superblock v0/v1 (h5py's default): sizes, addresses, the root group's object header and B-tree/heap. */
export function hdf5Layout(d: Uint8Array): Layout {
  if (d[8] !== 0 && d[8] !== 1) return { fields: [], bounds: [8], records: [] };
  const fields: Field[] = [
    { at: 13, width: 1, enc: 'le', what: 'sb.sizeofOffsets' },
    { at: 14, width: 1, enc: 'le', what: 'sb.sizeofLengths' },
    { at: 16, width: 2, enc: 'le', what: 'sb.leafK' },
    { at: 18, width: 2, enc: 'le', what: 'sb.internalK' },
  ];
  const base = d[8] === 1 ? 28 : 24;
  const names = ['base', 'freeSpace', 'eof', 'driver', 'root.linkName', 'root.objectHeader', 'root.cache', 'root.btree', 'root.heap'];
  names.forEach((n, i) => {
    if (n !== 'root.cache') fields.push({ at: base + 8 * i, width: 8, enc: 'le', what: `sb.${n}`, offset: true });
  });
  const bounds = [8, base, base + 40, ...[5, 7, 8].map((i) => u64(d, base + 8 * i)).filter((a) => a > 0 && a < d.length)];
  return { fields, bounds, records: [] };
}
