/**
 * The binary indexes of `faiss.read_index_binary` (`read_index_binary` in
 * FAISS's `impl/index_read.cpp`): flat, IVF, HNSW, ID maps and the
 * from-float wrapper, walked as the float ones are.
 */
import { ModelguardError } from '../../errors.js';
import { FaissCursor, MAX_DIMS, MAX_FAISS_DEPTH, MAX_LISTS } from './cursor.js';
import { floatIndex, hnsw, invertedLists } from './index.js';

/** Binary index fourccs `read_index_binary` accepts, walked or not. */
export const BINARY_INDEX_CODES: ReadonlySet<string> = new Set(['IBxF', 'IBwF', 'IBFf', 'IBHf', 'IBMp', 'IBM2', 'IBHh', 'IBHm']);

interface BinaryHeader {
  d: number;
  codeSize: number;
  ntotal: number;
}

/** `read_index_binary_header`: d (bits), code_size (bytes, d / 8; 0 in wrappers such as IndexBinaryIDMap), ntotal, is_trained, metric_type. */
export function binaryHeader(f: FaissCursor): BinaryHeader {
  const at = f.c.pos;
  const d = f.count32('d', MAX_DIMS);
  const codeSize = f.count32('code_size', MAX_DIMS);
  if (d % 8 !== 0 || (codeSize !== 0 && codeSize * 8 !== d)) f.malformed(`binary index of ${d} bits with ${codeSize}-byte codes`, at);
  const ntotal = f.size('ntotal');
  f.bool('is_trained');
  const mat = f.c.pos;
  const metric = f.i32('metric_type');
  if (metric < 0 || metric > 40) f.malformed(`unknown metric type ${metric}`, mat);
  return { d, codeSize, ntotal };
}

/** `read_index_binary`: one binary index and what it holds. */
export function binaryIndex(f: FaissCursor, depth: number): void {
  if (depth > MAX_FAISS_DEPTH) throw new ModelguardError('E_LIMIT', `FAISS: indexes nested deeper than ${MAX_FAISS_DEPTH}`, { offset: f.c.pos });
  const at = f.c.pos;
  const code = f.fourcc();
  f.kinds.push(code);
  switch (code) {
    case 'IBxF': {
      const h = binaryHeader(f);
      const n = f.vector(1, 'binary codes');
      if (n !== h.ntotal * h.codeSize) f.malformed(`flat binary index of ${h.ntotal} codes of ${h.codeSize} bytes stores ${n} bytes`, at);
      return;
    }
    case 'IBwF': {
      const h = binaryHeader(f);
      const lat = f.c.pos;
      const nlist = f.size('nlist');
      if (nlist > MAX_LISTS) throw new ModelguardError('E_LIMIT', `FAISS: ${nlist} inverted lists (limit ${MAX_LISTS})`, { offset: lat });
      f.size('nprobe');
      binaryIndex(f, depth + 1);
      const dat = f.c.pos;
      const type = f.c.u8('direct map type');
      if (type > 2) f.malformed(`direct map type ${type}`, dat);
      f.vector(8, 'direct map');
      if (type === 2) f.vector(16, 'direct map hash table');
      invertedLists(f, nlist, h.codeSize);
      return;
    }
    case 'IBFf':
      binaryHeader(f);
      floatIndex(f, depth + 1, false);
      return;
    case 'IBHf': {
      const h = binaryHeader(f);
      hnsw(f, h.ntotal);
      binaryIndex(f, depth + 1);
      return;
    }
    case 'IBMp':
    case 'IBM2': {
      const h = binaryHeader(f);
      binaryIndex(f, depth + 1);
      const ids = f.vector(8, 'id map');
      if (ids !== h.ntotal) f.malformed(`id map of ${ids} ids for ${h.ntotal} codes`, at);
      return;
    }
    default:
      if (BINARY_INDEX_CODES.has(code)) {
        throw new ModelguardError('E_UNSUPPORTED', `FAISS: binary index type ${code} is recognised but its layout is not walked`, { offset: at });
      }
      f.malformed(`unknown binary index type ${JSON.stringify(code)}`, at);
  }
}
