/**
 * Plain-data profile: what `pickle.dump` writes for built-in values and the
 * standard library's value types. A table, so long.
 *
 * Every entry is inert in the listed uses: constructing the value runs only
 * the standard library's own code on the given arguments, with no file,
 * process, network or import side effect.
 */
import type { AllowEntry } from '../types.js';

const CONTAINER = 'a built-in container or scalar type: calling or instantiating it only builds a value';

export const DATA_ALLOW: readonly AllowEntry[] = [
  // Built-in types, as protocol 0-2 pickles name them (sets, bytearrays, complex numbers, ranges).
  { name: 'builtins.set', uses: ['call', 'new', 'build', 'arg'], why: CONTAINER },
  { name: 'builtins.frozenset', uses: ['call', 'new', 'arg'], why: CONTAINER },
  { name: 'builtins.list', uses: ['call', 'new', 'build', 'arg'], why: CONTAINER },
  { name: 'builtins.dict', uses: ['call', 'new', 'build', 'arg'], why: CONTAINER },
  { name: 'builtins.tuple', uses: ['call', 'new', 'arg'], why: CONTAINER },
  { name: 'builtins.bytearray', uses: ['call', 'new', 'build', 'arg'], why: CONTAINER },
  { name: 'builtins.bytes', uses: ['call', 'new', 'arg'], why: CONTAINER },
  { name: 'builtins.str', uses: ['call', 'new', 'arg'], why: CONTAINER },
  { name: 'builtins.int', uses: ['call', 'new', 'arg'], why: CONTAINER },
  { name: 'builtins.float', uses: ['call', 'new', 'arg'], why: CONTAINER },
  { name: 'builtins.bool', uses: ['call', 'new', 'arg'], why: CONTAINER },
  { name: 'builtins.complex', uses: ['call', 'new', 'arg'], why: CONTAINER },
  { name: 'builtins.slice', uses: ['call', 'arg'], why: CONTAINER },
  { name: 'builtins.range', uses: ['call', 'arg'], why: CONTAINER },
  { name: 'builtins.object', uses: ['new', 'arg'], why: 'the base class copyreg._reconstructor names; object.__new__ allocates an empty instance' },
  { name: 'builtins.NotImplemented', uses: ['arg'], why: 'a singleton constant' },
  { name: 'builtins.Ellipsis', uses: ['arg'], why: 'a singleton constant' },
  {
    name: 'builtins.type',
    uses: ['arg'],
    why: 'type objects stored as values (pickles of type(None) name it); never called here, since type() with three arguments creates classes',
  },
  // Bytes in protocol < 3: _codecs.encode(text, 'latin1') is how pickle writes a bytes object.
  {
    name: '_codecs.encode',
    uses: ['call'],
    why: 'how protocol 0-2 pickles write bytes: encodes a constant string with a codec; codecs transform data only',
  },
  // The object protocol (copyreg is what pickle itself uses to rebuild instances).
  {
    name: 'copyreg._reconstructor',
    uses: ['call'],
    why: "rebuilds an instance: base.__new__(cls) and, for a built-in base, base.__init__(obj, state); the classes involved are checked for `new`, and what base.__init__ calls on state (a defaultdict factory, a mapping's keys()) is judged",
    effects: { newArgs: [0, 1], resultClassArg: 0, initArgs: { cls: 1, args: [2] }, newWith: { cls: 1, args: [2] } },
  },
  {
    name: 'copyreg.__newobj__',
    uses: ['call'],
    why: 'cls.__new__(cls, *args): instantiation without __init__; the class is checked for `new`',
    effects: { newArgs: [0], resultClassArg: 0, newWith: { cls: 0, rest: 1 } },
  },
  {
    name: 'copyreg.__newobj_ex__',
    uses: ['call'],
    why: 'cls.__new__(cls, *args, **kwargs); the class is checked for `new`',
    effects: { newArgs: [0], resultClassArg: 0, newWith: { cls: 0, tuple: 1, kwargs: 2 } },
  },
  // collections: dict/list subclasses whose reduce is (cls, args) plus items.
  { name: 'collections.OrderedDict', uses: ['call', 'new', 'build', 'arg'], why: 'a dict subclass; its methods only store items' },
  { name: 'collections.Counter', uses: ['call', 'new', 'build', 'arg'], why: 'a dict subclass; its methods only store items' },
  {
    name: 'collections.defaultdict',
    uses: ['call', 'new', 'build', 'arg'],
    why: 'a dict subclass; its factory is called on a missing key, so the implicit-call model judges it there (list, dict, int... are inert to call)',
  },
  { name: 'collections.deque', uses: ['call', 'new', 'build', 'arg'], why: 'a sequence; its methods only store items' },
  { name: 'collections.UserDict', uses: ['new', 'build', 'arg'], why: 'a dict wrapper; state is its data' },
  { name: 'collections.UserList', uses: ['new', 'build', 'arg'], why: 'a list wrapper; state is its data' },
  { name: 'collections.UserString', uses: ['new', 'build', 'arg'], why: 'a str wrapper; state is its data' },
  // Value types from the standard library.
  { name: 'datetime.datetime', uses: ['call', 'arg'], why: 'a value type built from bytes/ints' },
  { name: 'datetime.date', uses: ['call', 'arg'], why: 'a value type built from bytes/ints' },
  { name: 'datetime.time', uses: ['call', 'arg'], why: 'a value type built from bytes/ints' },
  { name: 'datetime.timedelta', uses: ['call', 'arg'], why: 'a value type built from ints' },
  { name: 'datetime.timezone', uses: ['call', 'arg'], why: 'a value type built from an offset' },
  { name: 'datetime.timezone.utc', uses: ['arg'], why: 'a constant' },
  { name: 'decimal.Decimal', uses: ['call', 'arg'], why: 'a value type built from a string' },
  { name: 'fractions.Fraction', uses: ['call', 'arg'], why: 'a value type built from a string' },
  { name: 'uuid.UUID', uses: ['new', 'build', 'call', 'arg'], why: 'a value type; state is the integer' },
  { name: 'uuid.SafeUUID', uses: ['call', 'arg'], why: 'an enum of constants' },
  { name: 'argparse.Namespace', uses: ['call', 'new', 'build', 'arg'], why: 'a plain attribute bag (training scripts pickle their arguments)' },
  { name: 'types.SimpleNamespace', uses: ['call', 'new', 'build', 'arg'], why: 'a plain attribute bag' },
  {
    name: 'platform.uname_result',
    uses: ['call', 'new', 'arg'],
    why: 'the named tuple platform.uname() returns (training scripts record where they ran); calling it builds a tuple of its arguments',
  },
  // pathlib: constructing a path object does no I/O; methods are denied (denylist `pathlib.*.*`).
  { name: 'pathlib.PurePath', uses: ['call', 'new', 'arg'], why: 'a pure path: string manipulation only, no I/O' },
  { name: 'pathlib.PurePosixPath', uses: ['call', 'new', 'arg'], why: 'a pure path: string manipulation only, no I/O' },
  { name: 'pathlib.PureWindowsPath', uses: ['call', 'new', 'arg'], why: 'a pure path: string manipulation only, no I/O' },
  {
    name: 'pathlib.Path',
    uses: ['call', 'new', 'arg'],
    why: 'constructing a path object does no I/O (only its methods touch files, and those are denied)',
  },
  {
    name: 'pathlib.PosixPath',
    uses: ['call', 'new', 'arg'],
    why: 'constructing a path object does no I/O (only its methods touch files, and those are denied)',
  },
  {
    name: 'pathlib.WindowsPath',
    uses: ['call', 'new', 'arg'],
    why: 'constructing a path object does no I/O (only its methods touch files, and those are denied)',
  },
  { name: 're._compile', uses: ['call'], why: 'compiles a regular expression (data, no code)' },
  { name: 're.Pattern', uses: ['arg'], why: 'a compiled regular expression type' },
  { name: 'array.array', uses: ['call', 'new', 'arg'], why: 'a typed numeric array' },
  {
    name: 'array._array_reconstructor',
    uses: ['call'],
    why: 'rebuilds array.array from bytes; the class argument is checked for `new`',
    effects: { newArgs: [0] },
  },
  { name: 'enum.Enum', uses: ['arg'], why: 'the enum base type as a value' },
  { name: 'typing.Any', uses: ['arg'], why: 'a typing constant (configuration libraries store it)' },
  { name: 'builtins.Exception', uses: ['call', 'arg'], why: 'an exception value (message only)' },
  // Values real training code pickles next to weights (issue 14): each is inert in the uses listed.
  {
    name: 'time.struct_time',
    uses: ['call', 'arg'],
    why: 'time.gmtime()/localtime() results: structseq_new (Objects/structseq.c) copies the items of a sequence and reads tm_zone/tm_gmtoff from a dict; nothing is called',
  },
  {
    name: 'random.Random',
    uses: ['call', 'new', 'build', 'arg'],
    why: "Random.__reduce__ is (Random, (), getstate()): Random() seeds from os.urandom, __setstate__ hands the (version, internal state, gauss) tuple to the C setstate, which only copies integers; Python 3.11's seed() rejects every type but None/int/float/str/bytes",
  },
  {
    name: 'functools.partial',
    uses: ['call', 'new', 'build', 'arg'],
    why: "a partial stored in a config (timm/Hydra norm_layer=partial(nn.LayerNorm, eps=1e-6)): building it calls nothing, but whoever holds it calls its function, so the implicit-call model's partial rule judges that function: permitted for `call`, or a class permitted for `new` given data arguments; anything else is malicious",
  },
  // Pure str methods, pickled as getattr(str, name) (a scikit-learn preprocessor=str.lower): whoever calls
  // them passes a str (anything else raises TypeError) and gets a new str back.
  ...['lower', 'upper', 'casefold', 'strip', 'lstrip', 'rstrip', 'split', 'rsplit', 'splitlines', 'title', 'capitalize', 'swapcase'].map((m): AllowEntry => ({
    name: `builtins.str.${m}`,
    uses: ['call', 'arg'],
    why: 'a str method: returns a transformed copy of the str it is given',
  })),
  { name: 'builtins.ValueError', uses: ['call', 'arg'], why: 'an exception value (message only)' },
  { name: 'builtins.KeyError', uses: ['call', 'arg'], why: 'an exception value (message only)' },
  { name: 'builtins.RuntimeError', uses: ['call', 'arg'], why: 'an exception value (message only)' },
];
