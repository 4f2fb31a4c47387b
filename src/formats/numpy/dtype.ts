/**
 * A pickled `numpy.dtype` as numpy rebuilds it: `numpy.dtype(spec, align,
 * copy)` (REDUCE) then `__setstate__((version, byteorder, subarray, names,
 * fields, elsize, alignment, flags[, metadata]))` (BUILD). What a reader of
 * the data that follows needs is the item size and whether the dtype holds
 * Python objects, and numpy decides both in ways the pickle does not show
 * on its face (`arraydescr_setstate` in numpy/core/src/multiarray/
 * descriptor.c, checked against numpy 1.24):
 *
 * - the state's `elsize` is used only for flexible kinds (`V`, `S`, `U`);
 *   for every fixed-size kind numpy keeps the size the type string gives,
 *   so `dtype('f8')` with `elsize` 1 still reads 8 bytes per element;
 * - `hasobject` is the state's flag bit 0 (NPY_ITEM_REFCOUNT), whatever
 *   the kind: a `float64` whose flags say "holds references" makes joblib
 *   unpickle what follows, and an `O` dtype whose flags do not makes it
 *   read raw pointer-sized bytes;
 * - the type string is read as `numpy.dtype` reads any string (`'<f8'`,
 *   `'float64'`, `'2i4'`, `'f8,i4'`...).
 *
 * Anything numpy would need to run code to decide (a dtype made by another
 * call, a state numpy rejects) is `undefined`: the caller must not guess.
 */
import { PyGlobal, PyObject, PyTuple, type PyValue } from '../pickle/values.js';
import { typeString } from './descr.js';

export interface DtypeInfo {
  itemsize: number;
  hasObject: boolean;
  /** Type string as pickled (`f8`, `O8`, `V12`...). */
  spec: string;
}

/** NPY_ITEM_REFCOUNT: the dtype holds object references (numpy/ndarraytypes.h). */
const NPY_ITEM_REFCOUNT = 0x01;
/** Kinds whose size comes from the pickled state (`PyDataType_ISFLEXIBLE` and void). */
const FLEXIBLE = new Set(['V', 'S', 'U', 'a']);
/** Python types `numpy.dtype` accepts as a spec, with the dtype they give (x86-64). */
const PYTHON_TYPES: Readonly<Record<string, string>> = {
  'builtins.float': 'f8',
  'builtins.int': 'i8',
  'builtins.bool': 'b1',
  'builtins.complex': 'c16',
  'builtins.object': 'O',
  'builtins.bytes': 'S',
  'builtins.str': 'U',
};

function isDtypeClass(v: PyValue | undefined): boolean {
  return v instanceof PyGlobal && (v.full === 'numpy.dtype' || v.full.startsWith('numpy.dtypes.'));
}

/** `numpy.<scalar type>` classes name their dtype (`numpy.float64` → f8). */
function specOf(v: PyValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (!(v instanceof PyGlobal)) return undefined;
  const py = PYTHON_TYPES[v.full];
  if (py !== undefined) return py;
  const m = /^numpy\.(?:core\.numerictypes\.|_core\.numerictypes\.)?([a-z]+\d*)$/.exec(v.full);
  return m?.[1];
}

/** The kind letter of a plain type string; `a` and a bare `c` are byte strings. */
function kindOf(spec: string): string | undefined {
  const m = /^[<>|=]?([a-zA-Z?])(\d*)/.exec(spec.trim());
  if (m === null) return undefined;
  const k = m[1] as string;
  return k === 'a' || (k === 'c' && m[2] === '') ? 'S' : k;
}

function intOf(v: PyValue | undefined): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/**
 * The dtype numpy rebuilds from a pickled `numpy.dtype(...)` object, or
 * undefined when that cannot be known without running numpy.
 */
export function dtypeFromPickle(v: PyValue | undefined): DtypeInfo | undefined {
  if (!(v instanceof PyObject) || v.origin !== 'call' || !isDtypeClass(v.callee) || !(v.args instanceof PyTuple) || v.args.truncated) return undefined;
  if (v.dunders.size > 0) return undefined;
  const spec = specOf(v.args.items[0]);
  if (spec === undefined) return undefined;
  const parsed = typeString(spec);
  const named = /^[a-z]/.test(spec) && !/^[a-z]\d*$/.test(spec);
  // A multi-field or repeated spec ('f8,i4', '2f8') is a structured (void) dtype; typeString sizes only plain ones.
  if (parsed.itemsize === undefined) return undefined;
  let itemsize = Number(parsed.itemsize);
  let hasObject = parsed.hasObject;
  // Spelled-out names typeString sizes ('float64', 'object'...) are all fixed-size kinds.
  const kind = named ? (hasObject ? 'O' : 'fixed') : kindOf(spec);
  const state = v.state;
  if (state !== undefined) {
    if (!(state instanceof PyTuple) || state.truncated) return undefined;
    const items = state.items;
    const version = intOf(items[0]);
    // Versions 3 and 4 carry (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata]).
    if ((version !== 3 && version !== 4) || items.length < 8 || items.length > 9) return undefined;
    if (items[2] !== null || items[3] !== null || items[4] !== null) {
      // Subarrays and fields: numpy rebuilds a structured layout; only void dtypes take the pickled size as is.
      if (kind !== 'V') return undefined;
    }
    const elsize = intOf(items[5]);
    const flags = intOf(items[7]);
    if (elsize === undefined || flags === undefined || flags < -128 || flags > 127) return undefined;
    if (kind === undefined) return undefined;
    if (FLEXIBLE.has(kind)) itemsize = elsize;
    hasObject = (flags & NPY_ITEM_REFCOUNT) !== 0;
  }
  if (!Number.isSafeInteger(itemsize)) return undefined;
  return { itemsize, hasObject, spec };
}
