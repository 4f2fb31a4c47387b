/**
 * The one table of spelled-out dtype names (`np.dtype('float32')`) and
 * their item sizes, for every reader that meets a dtype by name: `.npy`
 * descriptions and pickled dtypes (NumPy itself writes type strings, other
 * writers may not) and Flax's msgpack arrays (which always carry a name).
 *
 * A `Map`, not an object literal: the names come from the file, and a
 * lookup must not find `constructor` or `__proto__` on `Object.prototype`.
 */

/** Names `np.dtype` accepts on its own (x86-64 sizes, checked against numpy 1.24). */
const NUMPY: readonly (readonly [string, number])[] = [
  ['bool', 1],
  ['int8', 1],
  ['uint8', 1],
  ['int16', 2],
  ['uint16', 2],
  ['int32', 4],
  ['uint32', 4],
  ['int64', 8],
  ['uint64', 8],
  ['longlong', 8],
  ['ulonglong', 8],
  ['float16', 2],
  ['float32', 4],
  ['float64', 8],
  ['complex64', 8],
  ['complex128', 16],
];

/** Names `np.dtype` accepts once `ml_dtypes` is imported, as JAX (and so Flax) does. */
const ML_DTYPES: readonly (readonly [string, number])[] = [
  ['bfloat16', 2],
  ['float8_e4m3fn', 1],
  ['float8_e5m2', 1],
  ['float8_e4m3b11fnuz', 1],
  ['float8_e4m3fnuz', 1],
  ['float8_e5m2fnuz', 1],
  ['int4', 1],
  ['uint4', 1],
];

const NUMPY_NAMES: ReadonlyMap<string, number> = new Map(NUMPY);
const WITH_ML_DTYPES: ReadonlyMap<string, number> = new Map([...NUMPY, ...ML_DTYPES]);

/**
 * Bytes per element of the dtype `name`, or undefined when `np.dtype(name)`
 * fails. `mlDtypes`: also the names JAX registers through `ml_dtypes`.
 */
export function dtypeNameSize(name: string, mlDtypes: boolean): number | undefined {
  return (mlDtypes ? WITH_ML_DTYPES : NUMPY_NAMES).get(name);
}
