/**
 * Symbolic Python values built by the pickle machine.
 *
 * Constants are plain JS values where that is unambiguous (None → null,
 * bool, int → number | bigint, str → string); everything else is a small
 * class. Containers keep a bounded number of items (`retain`): no pickle
 * opcode reads an item back out of a container, so dropping items past the
 * cap loses only rendering detail, never a global (globals are accounted
 * for when they are stored, see `machine.ts`).
 */

export type PyValue =
  null | boolean | number | bigint | string | PyFloat | PyBigInt | PyStr | PyBytes | PyList | PyTuple | PyDict | PySet | PyGlobal | PyObject | PyUnknown;

/** A float (kept apart from int so `1.0` renders as a float). */
export class PyFloat {
  readonly v: number;
  constructor(v: number) {
    this.v = v;
  }
}

/** An int too long to decode (LONG1/LONG4 over the constant limit). */
export class PyBigInt {
  readonly nbytes: number;
  constructor(nbytes: number) {
    this.nbytes = nbytes;
  }
}

/** A str longer than the constant limit: only a prefix is kept. */
export class PyStr {
  readonly prefix: string;
  readonly length: number;
  constructor(prefix: string, length: number) {
    this.prefix = prefix;
    this.length = length;
  }
}

/**
 * bytes / bytearray / out-of-band buffer. `data` is present when the value is
 * small enough to keep; `offset` is where its payload starts in the stream
 * source (so loaders can map tensor data lazily).
 */
export class PyBytes {
  readonly kind: 'bytes' | 'bytearray' | 'buffer';
  readonly length: number;
  readonly offset: number;
  readonly data: Uint8Array | undefined;
  constructor(kind: 'bytes' | 'bytearray' | 'buffer', length: number, offset: number, data: Uint8Array | undefined) {
    this.kind = kind;
    this.length = length;
    this.offset = offset;
    this.data = data;
  }
}

abstract class PyContainer {
  /** Items kept (at most the retain limit). */
  readonly items: PyValue[] = [];
  /** Total items ever added, kept or not. */
  count = 0;
  push(v: PyValue, retain: number): void {
    if (this.items.length < retain) this.items.push(v);
    this.count++;
  }
  get truncated(): boolean {
    return this.count > this.items.length;
  }
}

export class PyList extends PyContainer {}

export class PyTuple extends PyContainer {}

export class PySet extends PyContainer {
  readonly frozen: boolean;
  constructor(frozen: boolean) {
    super();
    this.frozen = frozen;
  }
}

export class PyDict {
  readonly entries: [PyValue, PyValue][] = [];
  count = 0;
  /**
   * Entries whose key is a dunder string, always kept whatever the cap: a
   * BUILD state setting `__setstate__` turns the next BUILD into a call.
   */
  readonly dunders = new Map<string, PyValue>();
  set(k: PyValue, v: PyValue, retain: number): void {
    if (this.entries.length < retain) this.entries.push([k, v]);
    this.count++;
    if (typeof k === 'string' && k.startsWith('__') && k.endsWith('__') && k.length > 4) this.dunders.set(k, v);
  }
  get truncated(): boolean {
    return this.count > this.entries.length;
  }
  /** Looks up a string key among the kept entries (last one wins, as in Python). */
  get(key: string): PyValue | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e !== undefined && e[0] === key) return e[1];
    }
    return this.dunders.get(key);
  }
}

/** The object `find_class(module, name)` returns: a function, class or module attribute. */
export class PyGlobal {
  /** Module as resolved (after Python 2 name mapping). */
  readonly module: string;
  /** Attribute path inside the module (may be dotted: `Outer.Inner`, `os.system`). */
  readonly name: string;
  /** `module.name`. */
  readonly full: string;
  /** As written in the stream, when the Python 2 mapping changed it. */
  readonly written: string | undefined;
  /** Stream offset of the import. */
  readonly pos: number;
  constructor(module: string, name: string, pos: number, written?: string) {
    this.module = module;
    this.name = name;
    this.full = `${module}.${name}`;
    this.written = written !== undefined && written !== this.full ? written : undefined;
    this.pos = pos;
  }
}

export type ObjectOrigin =
  | 'call' // REDUCE, or OBJ/INST with arguments: callee(*args)
  | 'new' // NEWOBJ/NEWOBJ_EX, OBJ/INST without arguments: cls.__new__(cls, *args)
  | 'ext' // EXT1/2/4: the copyreg extension registry (empty by default)
  | 'persid' // PERSID/BINPERSID: whatever persistent_load returns
  | 'buffer'; // NEXT_BUFFER: an out-of-band buffer

/** An object created while loading: the result of a call, an instantiation, a persistent id... */
export class PyObject {
  readonly origin: ObjectOrigin;
  /** The callable (call) or class (new). */
  readonly callee: PyValue | undefined;
  readonly args: PyValue | undefined;
  readonly kwargs: PyValue | undefined;
  /** Stream offset of the opcode that created it. */
  readonly pos: number;
  readonly opcode: string;
  /**
   * The global whose code runs when this object is built or mutated (its class
   * or the function that produced it); set by the analyser's effects.
   */
  owner: PyGlobal | undefined;
  /** Instance attributes set by BUILD that change behaviour (`__setstate__`, `__class__`...). */
  readonly dunders = new Map<string, PyValue>();
  /** The last BUILD state applied (format layers read it: joblib wrappers, numpy dtypes). */
  state: PyValue | undefined;
  /** Extension code (EXT), persistent id (PERSID). */
  readonly extra: PyValue | undefined;
  constructor(init: { origin: ObjectOrigin; pos: number; opcode: string; callee?: PyValue; args?: PyValue; kwargs?: PyValue; extra?: PyValue }) {
    this.origin = init.origin;
    this.pos = init.pos;
    this.opcode = init.opcode;
    this.callee = init.callee;
    this.args = init.args;
    this.kwargs = init.kwargs;
    this.extra = init.extra;
    this.owner = undefined;
    this.state = undefined;
  }
}

/** A value the machine could not know (after an error, a memo miss...). */
export class PyUnknown {
  readonly why: string;
  constructor(why: string) {
    this.why = why;
  }
}

export function isContainer(v: PyValue): v is PyList | PyTuple | PySet | PyDict {
  return v instanceof PyList || v instanceof PyTuple || v instanceof PySet || v instanceof PyDict;
}

/** Python type name of a value, for messages. */
export function typeName(v: PyValue): string {
  if (v === null) return 'NoneType';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
    case 'bigint':
      return 'int';
    case 'string':
      return 'str';
    default:
      break;
  }
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyBigInt) return 'int';
  if (v instanceof PyStr) return 'str';
  if (v instanceof PyBytes) return v.kind;
  if (v instanceof PyList) return 'list';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyDict) return 'dict';
  if (v instanceof PySet) return v.frozen ? 'frozenset' : 'set';
  if (v instanceof PyGlobal) return `global ${v.full}`;
  if (v instanceof PyObject) return 'object';
  return 'unknown';
}

/** Items of a tuple as kept, or undefined if it is not a tuple. */
export function tupleItems(v: PyValue | undefined): PyValue[] | undefined {
  return v instanceof PyTuple ? v.items : undefined;
}
