/**
 * What joblib knows about an array wrapper when it reads the array: the
 * instance's class (joblib tests `isinstance(stack[-1], (NDArrayWrapper,
 * NumpyArrayWrapper))` after every BUILD, in `NumpyUnpickler.load_build`)
 * and its attributes, which come from wherever the stream put them:
 *
 * - `__init__(subclass, shape, order, dtype, allow_mmap=False,
 *   numpy_array_alignment_bytes=16)` when the stream *calls* the class
 *   (REDUCE, or OBJ/INST with arguments); `cls.__new__` (NEWOBJ,
 *   `copyreg._reconstructor`) sets none;
 * - then the BUILD state, as `pickle._Unpickler.load_build` applies it:
 *   `(dict_state, slot_state)` or a plain dict; dict entries update
 *   `__dict__`, slot entries are `setattr`; a `__setstate__` already on the
 *   instance takes the state instead.
 *
 * An attribute is `absent`, a known value, or `unknown` (set from a key
 * computed while loading, from a dict the machine did not keep whole, or
 * by a `__setstate__`): callers must treat `unknown` as anything.
 */
import { PyDict, PyGlobal, PyList, PyObject, PyStr, PyTuple, type PyValue } from '../pickle/values.js';

export type WrapperClass = 'numpy' | 'ndarray-compat' | 'zndarray-compat';

/**
 * Dotted names that denote joblib's wrapper classes (each passes joblib's
 * isinstance check): where the class is defined, the modules that import
 * it (`numpy_pickle` imports both compat classes), and scikit-learn's
 * `sklearn.externals.joblib` (0.21-0.22 re-exports joblib; older releases
 * vendored a copy whose own `load` treats it the same way). A dotted name
 * reached through `STACK_GLOBAL('joblib', 'numpy_pickle.NumpyArrayWrapper')`
 * or `getattr` arrives here already joined.
 */
const CLASS_NAMES: Readonly<Record<string, WrapperClass>> = (() => {
  const out: Record<string, WrapperClass> = {};
  for (const pkg of ['joblib', 'sklearn.externals.joblib']) {
    out[`${pkg}.numpy_pickle.NumpyArrayWrapper`] = 'numpy';
    for (const mod of ['numpy_pickle', 'numpy_pickle_compat']) {
      out[`${pkg}.${mod}.NDArrayWrapper`] = 'ndarray-compat';
      out[`${pkg}.${mod}.ZNDArrayWrapper`] = 'zndarray-compat';
    }
  }
  return out;
})();

/** Methods joblib calls on the wrapper: an instance attribute of the same name shadows them. */
export const CALLED_METHODS = ['read', 'read_array', 'read_mmap', 'safe_get_numpy_array_alignment_bytes'] as const;

export type Attr = { kind: 'absent' } | { kind: 'value'; value: PyValue } | { kind: 'unknown'; why: string };

const INIT_PARAMS: Readonly<Record<WrapperClass, readonly string[]>> = {
  numpy: ['subclass', 'shape', 'order', 'dtype', 'allow_mmap', 'numpy_array_alignment_bytes'],
  'ndarray-compat': ['filename', 'subclass', 'allow_mmap'],
  'zndarray-compat': ['filename', 'init_args', 'state'],
};
const INIT_DEFAULTS: Readonly<Record<string, PyValue>> = { allow_mmap: false, numpy_array_alignment_bytes: 16 };
const REQUIRED_INIT: Readonly<Record<WrapperClass, number>> = { numpy: 4, 'ndarray-compat': 2, 'zndarray-compat': 3 };

/** The class an object was built as: a `__class__` set through slot state wins (it really changes the class). */
export function classOf(target: PyObject): PyGlobal | undefined {
  const cls = target.dunders.get('__class__');
  return cls instanceof PyGlobal ? cls : target.owner;
}

export function wrapperClassOf(cls: PyGlobal | undefined): WrapperClass | undefined {
  return cls === undefined ? undefined : CLASS_NAMES[cls.full];
}

export interface WrapperAttrs {
  get(name: string): Attr;
  /** Why the load fails in `load_build` or `__init__` before joblib reads anything, if it does. */
  readonly fails: string | undefined;
}

class AttrTable implements WrapperAttrs {
  private readonly known = new Map<string, PyValue>();
  private anyUnknown: string | undefined;
  fails: string | undefined;
  /** Keys whose absence is not proven (dropped from a long dict). */
  private partial = false;
  set(name: string, v: PyValue): void {
    this.known.set(name, v);
  }
  everything(why: string): void {
    this.anyUnknown ??= why;
  }
  mayMiss(): void {
    this.partial = true;
  }
  get(name: string): Attr {
    const v = this.known.get(name);
    if (this.anyUnknown !== undefined) return { kind: 'unknown', why: this.anyUnknown };
    if (v !== undefined) return { kind: 'value', value: v };
    if (this.partial) return { kind: 'unknown', why: 'the state dict holds more entries than were kept' };
    return { kind: 'absent' };
  }
}

function applyDict(t: AttrTable, d: PyValue | undefined, what: string): void {
  if (d === undefined || d === null || d === false || d === 0 || d === '') return;
  if (!(d instanceof PyDict)) {
    if (d instanceof PyObject || d instanceof PyGlobal) t.everything(`the ${what} is an object built while loading`);
    else if (d instanceof PyTuple && d.count === 0) return;
    else t.fails = `a ${what} that is not a dict makes load_build raise`;
    return;
  }
  if (d.count === 0) return;
  if (d.truncated) t.mayMiss();
  for (const [k, v] of d.entries) {
    if (typeof k === 'string') t.set(k, v);
    else if (k instanceof PyStr)
      continue; // over a megabyte long: names no attribute read here
    else if (typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean' || k === null) continue;
    else t.everything('a state key is computed while loading');
  }
}

/** The wrapper's attributes when `load_build` returns, as far as the stream tells. */
export function wrapperAttributes(target: PyObject, cls: WrapperClass, state: PyValue): WrapperAttrs {
  const t = new AttrTable();
  const callee = target.callee;
  if (target.origin === 'call' && callee instanceof PyGlobal && wrapperClassOf(callee) === cls) {
    const params = INIT_PARAMS[cls];
    const args = target.args;
    if (!(args instanceof PyTuple) || args.truncated) t.everything('the constructor arguments are not a literal tuple');
    else if (target.kwargs !== undefined) t.everything('the constructor gets keyword arguments');
    else if (args.items.length < REQUIRED_INIT[cls] || args.items.length > params.length) t.fails = `${callee.full}() takes other arguments`;
    else
      params.forEach((p, i) => {
        const v = i < args.items.length ? args.items[i] : INIT_DEFAULTS[p];
        if (v !== undefined) t.set(p, v);
      });
  }
  if (target.dunders.has('__setstate__')) {
    t.everything('a __setstate__ on the instance takes the state');
    return t;
  }
  if (state instanceof PyTuple && state.count === 2 && !state.truncated) {
    applyDict(t, state.items[0], 'state');
    applyDict(t, state.items[1], 'slot state');
  } else applyDict(t, state, 'state');
  return t;
}

/** Element count from a shape as `read_array` computes it (`len(shape) == 0` → 1, else the product of int64s). */
export type Count = { kind: 'count'; n: bigint } | { kind: 'unknown'; why: string } | { kind: 'fails'; why: string };

const INT64_MAX = (1n << 63n) - 1n;

function dim(v: PyValue | undefined): bigint | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'bigint') return v;
  return undefined;
}

function product(items: readonly PyValue[]): Count {
  let n = 1n;
  for (const d of items) {
    // numpy's shape setter and reshape refuse bools ("an integer is required"), though int64(True) is 1.
    if (typeof d === 'boolean') return { kind: 'fails', why: 'a bool dimension makes the reshape raise' };
    const b = dim(d);
    if (b === undefined) return { kind: 'unknown', why: 'a dimension is not a literal int' };
    if (b < 0n) return { kind: 'fails', why: 'a negative dimension makes numpy.empty raise' };
    n *= b;
    if (n > INT64_MAX) return { kind: 'fails', why: 'the element count overflows int64, so the reshape raises' };
  }
  return { kind: 'count', n };
}

export function arrayCount(shape: Attr): Count {
  if (shape.kind === 'absent') return { kind: 'fails', why: 'the wrapper has no shape' };
  if (shape.kind === 'unknown') return shape;
  const v = shape.value;
  if ((v instanceof PyTuple || v instanceof PyList) && !v.truncated) return v.items.length === 0 ? { kind: 'count', n: 1n } : product(v.items);
  return { kind: 'unknown', why: 'the shape is not a literal tuple' };
}

/** np.memmap's view of the shape (`read_mmap`): an int is a one-dimensional shape. */
export function mmapCount(shape: Attr): Count {
  if (shape.kind === 'value') {
    const d = dim(shape.value);
    if (d !== undefined) return d < 0n ? { kind: 'fails', why: 'negative shape' } : { kind: 'count', n: d };
    if (shape.value instanceof PyTuple && !shape.value.truncated) return product(shape.value.items);
    if (shape.value instanceof PyList) return { kind: 'fails', why: 'np.memmap takes a list shape as one dimension' };
  }
  return arrayCount(shape);
}
