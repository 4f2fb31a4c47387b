/**
 * Reads a pickled `numpy.dtype` (REDUCE `numpy.dtype(str, align, copy)` then
 * BUILD with `(version, byteorder, subarray, names, fields, elsize,
 * alignment, flags[, metadata])`) far enough to know its item size and
 * whether it holds Python objects. Nothing is trusted beyond that.
 */
import { PyObject, PyGlobal, PyTuple, type PyValue } from '../pickle/values.js';

export interface DtypeInfo {
  itemsize: number;
  hasObject: boolean;
  /** Type string as pickled (`f8`, `O8`, `V12`...). */
  spec: string;
}

/** NPY_ITEM_REFCOUNT: the dtype holds object references (numpy/ndarraytypes.h). */
const NPY_ITEM_REFCOUNT = 0x01;

function isDtypeClass(v: PyValue | undefined): boolean {
  return v instanceof PyGlobal && (v.full === 'numpy.dtype' || v.full.startsWith('numpy.dtypes.'));
}

export function dtypeFromPickle(v: PyValue | undefined): DtypeInfo | undefined {
  if (!(v instanceof PyObject) || !isDtypeClass(v.callee) || !(v.args instanceof PyTuple)) return undefined;
  const spec = v.args.items[0];
  if (typeof spec !== 'string') return undefined;
  const m = /^([a-zA-Z?])(\d*)$/.exec(spec);
  if (m === null) return undefined;
  const kind = m[1] as string;
  let itemsize = m[2] === '' ? undefined : Number(m[2]);
  let flags = kind === 'O' ? NPY_ITEM_REFCOUNT : 0;
  const state = v.state;
  if (state instanceof PyTuple) {
    const elsize = state.items[5];
    if (typeof elsize === 'number' && elsize >= 0) itemsize = elsize;
    const f = state.items[7];
    if (typeof f === 'number') flags = f;
  }
  if (itemsize === undefined || !Number.isSafeInteger(itemsize)) return undefined;
  return { itemsize, hasObject: kind === 'O' || (flags & NPY_ITEM_REFCOUNT) !== 0, spec };
}
