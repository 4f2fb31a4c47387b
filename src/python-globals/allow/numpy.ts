/**
 * NumPy profile: arrays, dtypes, scalars, masked arrays, random generator
 * states, and ufunc references. A table, so long. NumPy 1.x lives under
 * `numpy.core`, NumPy 2 under `numpy._core`; both are listed.
 */
import type { AllowEntry } from '../types.js';

const ARRAY = 'rebuilds an ndarray of the given subtype, shape and dtype; the subtype is checked for `new`';

function both(path: string, entry: Omit<AllowEntry, 'name'>): AllowEntry[] {
  return [
    { name: `numpy.core.${path}`, ...entry },
    { name: `numpy._core.${path}`, ...entry },
  ];
}

/** Universal functions that models reference (sklearn FunctionTransformer, activation choices). */
const UFUNCS = [
  'absolute', 'add', 'arccos', 'arccosh', 'arcsin', 'arcsinh', 'arctan', 'arctan2', 'arctanh', 'cbrt', 'ceil',
  'clip', 'cos', 'cosh', 'deg2rad', 'degrees', 'divide', 'equal', 'exp', 'exp2', 'expm1', 'fabs', 'floor',
  'floor_divide', 'fmax', 'fmin', 'fmod', 'greater', 'greater_equal', 'hypot', 'isfinite', 'isinf', 'isnan',
  'less', 'less_equal', 'log', 'log10', 'log1p', 'log2', 'logaddexp', 'logaddexp2', 'logical_and', 'logical_not',
  'logical_or', 'logical_xor', 'maximum', 'minimum', 'mod', 'multiply', 'negative', 'not_equal', 'positive',
  'power', 'rad2deg', 'radians', 'reciprocal', 'remainder', 'rint', 'sign', 'sin', 'sinh', 'sqrt', 'square',
  'subtract', 'tan', 'tanh', 'true_divide', 'trunc',
];

/** Scalar and array types stored as values or called on constants. */
const SCALAR_TYPES = [
  'bool_', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float16', 'float32',
  'float64', 'longdouble', 'complex64', 'complex128', 'str_', 'bytes_', 'void', 'object_', 'intc', 'uintc',
  'int_', 'uint', 'longlong', 'ulonglong', 'half', 'single', 'double', 'csingle', 'cdouble', 'datetime64',
  'timedelta64', 'generic', 'number', 'integer', 'floating', 'signedinteger', 'unsignedinteger',
];

export const NUMPY_ALLOW: readonly AllowEntry[] = [
  ...both('multiarray._reconstruct', {
    uses: ['call'],
    why: ARRAY,
    effects: { newArgs: [0], resultClassArg: 0 },
  }),
  ...both('multiarray.scalar', { uses: ['call'], why: 'rebuilds a numpy scalar from a dtype and its bytes' }),
  ...both('numeric._frombuffer', {
    uses: ['call'],
    why: 'protocol 5 arrays: a view of a bytes buffer with a dtype and shape',
  }),
  ...both('_ufunc_reconstruct', {
    uses: ['call'],
    why: 'resolves a ufunc by module and name; the resolved name is checked like any other global',
    effects: { resolves: { module: 0, name: 1 } },
  }),
  ...both('multiarray._ARRAY_API', { uses: ['arg'], why: 'a capsule constant' }),
  { name: 'numpy.ndarray', uses: ['new', 'build', 'arg'], why: 'ndarray.__new__ allocates; __setstate__ copies bytes into it' },
  { name: 'numpy.dtype', uses: ['call', 'build', 'arg'], why: 'dtype(spec, align, copy) and its __setstate__ only describe a layout' },
  { name: 'numpy.ma.core.MaskedArray', uses: ['new', 'build', 'arg'], why: 'an ndarray subclass with a mask; state is data' },
  {
    name: 'numpy.ma.core._mareconstruct',
    uses: ['call'],
    why: 'rebuilds a masked array; its two class arguments are checked for `new`',
    effects: { newArgs: [0, 1], resultClassArg: 0 },
  },
  { name: 'numpy.matrix', uses: ['new', 'build', 'arg'], why: 'an ndarray subclass' },
  { name: 'numpy.matrixlib.defmatrix.matrix', uses: ['new', 'build', 'arg'], why: 'an ndarray subclass' },
  { name: 'numpy.recarray', uses: ['new', 'build', 'arg'], why: 'an ndarray subclass' },
  { name: 'numpy.rec.recarray', uses: ['new', 'build', 'arg'], why: 'an ndarray subclass' },
  { name: 'numpy.core.records.recarray', uses: ['new', 'build', 'arg'], why: 'an ndarray subclass' },
  { name: 'numpy.core.records.record', uses: ['new', 'build', 'arg', 'call'], why: 'a structured scalar' },
  { name: 'numpy.record', uses: ['new', 'build', 'arg', 'call'], why: 'a structured scalar (the name record arrays pickle their dtype type under)' },
  { name: 'numpy._core.records.record', uses: ['new', 'build', 'arg', 'call'], why: 'a structured scalar (NumPy 2 module path)' },
  { name: 'numpy._core.records.recarray', uses: ['new', 'build', 'arg'], why: 'an ndarray subclass (NumPy 2 module path)' },
  // numpy.random: RandomState / Generator / BitGenerator pickles (training code saves RNG states).
  {
    name: 'numpy.random._pickle.__randomstate_ctor',
    uses: ['call', 'build'],
    why: 'rebuilds a RandomState for a named bit generator (looked up in a fixed table, or the given constructor, which is checked for `call`); BUILD on the result is RandomState.__setstate__',
    effects: { callArg: { fn: 1 } },
  },
  {
    name: 'numpy.random._pickle.__generator_ctor',
    uses: ['call', 'build'],
    why: 'rebuilds a Generator for a named bit generator (fixed table or checked constructor); BUILD on the result is Generator.__setstate__',
    effects: { callArg: { fn: 1 } },
  },
  {
    name: 'numpy.random._pickle.__bit_generator_ctor',
    uses: ['call', 'build', 'arg'],
    why: 'rebuilds a bit generator by name from a fixed table (NumPy >= 1.25 also takes one of those classes, nothing else); BUILD on the result is BitGenerator.__setstate__, which sets the generator state',
  },
  { name: 'numpy.random.mtrand.RandomState', uses: ['new', 'build', 'arg'], why: 'RNG state: __setstate__ sets the generator state' },
  { name: 'numpy.random._generator.Generator', uses: ['new', 'build', 'arg'], why: 'RNG state' },
  { name: 'numpy.random._mt19937.MT19937', uses: ['call', 'new', 'build', 'arg'], why: 'bit generator state' },
  { name: 'numpy.random._pcg64.PCG64', uses: ['call', 'new', 'build', 'arg'], why: 'bit generator state' },
  { name: 'numpy.random._pcg64.PCG64DXSM', uses: ['call', 'new', 'build', 'arg'], why: 'bit generator state' },
  { name: 'numpy.random._philox.Philox', uses: ['call', 'new', 'build', 'arg'], why: 'bit generator state' },
  { name: 'numpy.random._sfc64.SFC64', uses: ['call', 'new', 'build', 'arg'], why: 'bit generator state' },
  { name: 'numpy.random.bit_generator.SeedSequence', uses: ['call', 'new', 'build', 'arg'], why: 'seed state' },
  // Protocol 4+ pickles ufuncs by their defining module's qualified name.
  ...['numpy', 'numpy.core._multiarray_umath', 'numpy._core._multiarray_umath'].flatMap((m) =>
    UFUNCS.map((u): AllowEntry => ({ name: `${m}.${u}`, uses: ['arg'], why: 'a ufunc stored as a value (elementwise math)' })),
  ),
  ...SCALAR_TYPES.map(
    (t): AllowEntry => ({ name: `numpy.${t}`, uses: ['arg', 'call'], why: 'a numpy scalar type; calling it converts a value' }),
  ),
  { name: 'numpy.dtypes.*', uses: ['arg', 'new', 'build'], why: 'NumPy 2 dtype classes describing layouts' },
];
