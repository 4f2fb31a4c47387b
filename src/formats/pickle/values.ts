/**
 * Symbolic Python values built by the pickle machine.
 *
 * Constants are plain JS values where that is unambiguous (None → null,
 * bool, int → number | bigint, str → string); everything else is a small
 * class. Containers keep a bounded number of items (`retain`): no pickle
 * opcode reads an item back out of a container, so dropping items past the
 * cap loses only rendering detail, never a global (globals are accounted
 * for when they are stored, see `machine.ts`).
 *
 * Nothing is folded: the result of a call is a `PyObject` even when the
 * callee is `str` or `numpy.str_` given a constant, because what a call
 * returns is decided by code the scanner does not run (a str subclass equal
 * to '__setstate__', a tuple subclass spreading into REDUCE arguments).
 */
import { isSlotName } from '../../python-globals/implicit-calls/model.js';

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

/** Called with every value added to a container the analysis watches (a hooks dict in a called slot). */
export type Watcher = (v: PyValue) => void;

abstract class PyContainer {
  /** Items kept (at most the retain limit). */
  readonly items: PyValue[] = [];
  /** Total items ever added, kept or not. */
  count = 0;
  /**
   * Some item, kept or not, is a pair whose first element is a dunder name
   * or a computed value: `__dict__.update(pairs)` in a `__setstate__` would
   * install it as an attribute.
   */
  pairHazard = false;
  watchers: Watcher[] | undefined;
  push(v: PyValue, retain: number): void {
    if (this.items.length < retain) this.items.push(v);
    this.count++;
    if (isHazardPair(v)) this.pairHazard = true;
    if (this.watchers !== undefined) for (const w of this.watchers) w(v);
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

/** The map every dict and object starts with: a real one is made on the first write (most never get one). */
const NONE_YET: ReadonlyMap<string, PyValue> = new Map<string, PyValue>();

function withEntry(m: ReadonlyMap<string, PyValue>, k: string, v: PyValue): Map<string, PyValue> {
  const out = m === NONE_YET ? new Map<string, PyValue>() : (m as Map<string, PyValue>);
  out.set(k, v);
  return out;
}

/** At most this many computed keys are kept per dict for messages (all are counted). */
const KEPT_COMPUTED_KEYS = 4;

export class PyDict {
  readonly entries: [PyValue, PyValue][] = [];
  count = 0;
  /**
   * Entries whose key is a dunder string, always kept whatever the cap: a
   * BUILD state setting `__setstate__` turns the next BUILD into a call.
   */
  dunders: ReadonlyMap<string, PyValue> = NONE_YET;
  /**
   * Entries whose key names a slot of the implicit-call model (an attribute
   * some class's code calls, a method an attribute would shadow), always kept
   * with their latest value: BUILD states are checked against them.
   */
  named: ReadonlyMap<string, PyValue> = NONE_YET;
  /** Keys that are not constants (results of calls, globals): any of them may equal '__setstate__'. */
  computedKeys = 0;
  readonly computed: PyValue[] = [];
  watchers: Watcher[] | undefined;
  set(k: PyValue, v: PyValue, retain: number): void {
    const kept = this.entries.length < retain;
    if (kept) this.entries.push([k, v]);
    else if (this.count === this.entries.length) {
      // First entry past the cap: from now on slot names are tracked with their latest value (small dicts never pay for it).
      for (const [ek, ev] of this.entries) if (typeof ek === 'string' && isSlotName(ek)) this.named = withEntry(this.named, ek, ev);
    }
    this.count++;
    if (typeof k === 'string') {
      if (isDunderName(k)) this.dunders = withEntry(this.dunders, k, v);
      if (!kept && isSlotName(k)) this.named = withEntry(this.named, k, v);
    } else if (isComputed(k)) {
      this.computedKeys++;
      if (this.computed.length < KEPT_COMPUTED_KEYS) this.computed.push(k);
    }
    if (this.watchers !== undefined) for (const w of this.watchers) w(v);
  }
  get truncated(): boolean {
    return this.count > this.entries.length;
  }
  /** Looks up a string key (last one wins, as in Python); undefined if absent or past the cap. */
  get(key: string): PyValue | undefined {
    const tracked = this.dunders.get(key) ?? this.named.get(key);
    if (tracked !== undefined) return tracked;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e !== undefined && e[0] === key) return e[1];
    }
    return undefined;
  }
  /**
   * Whether `key` is set, as Python would see it: yes (with its latest
   * value), no, or unknown: past the cap only dunders and slot names are
   * tracked, and a computed key may equal any name.
   */
  lookup(key: string): { value: PyValue } | 'absent' | 'unknown' {
    const tracked = this.dunders.get(key) ?? this.named.get(key);
    if (tracked !== undefined) return { value: tracked };
    if (this.truncated && (isDunderName(key) || isSlotName(key))) return 'absent';
    if (this.truncated || this.computedKeys > 0) return 'unknown';
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e !== undefined && e[0] === key) return { value: e[1] };
    }
    return 'absent';
  }
  /** String-keyed entries known (kept or tracked), latest value per key. */
  stringEntries(): Map<string, PyValue> {
    const out = new Map<string, PyValue>();
    for (const [k, v] of this.entries) if (typeof k === 'string') out.set(k, v);
    for (const [k, v] of this.dunders) out.set(k, v);
    for (const [k, v] of this.named) out.set(k, v);
    return out;
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
  /** Instance attributes set by BUILD that change behaviour (`__setstate__`, `__class__`...); see `setDunder`. */
  dunders: ReadonlyMap<string, PyValue> = NONE_YET;
  /** The last BUILD state applied (format layers read it: joblib wrappers, numpy dtypes). */
  state: PyValue | undefined;
  /** Extension code (EXT), persistent id (PERSID). */
  readonly extra: PyValue | undefined;
  /** Every BUILD state applied, in order (instance attributes come from their dict parts). */
  states: PyValue[] | undefined;
  /** Items added by SETITEM(S) (dict subclasses), created on first use. */
  items: PyDict | undefined;
  /** Elements added by APPEND(S)/ADDITEMS (list and set subclasses), created on first use. */
  elements: PyList | undefined;
  /** Watchers for `items` and `elements` not made yet: each gets a copy when it is made (`itemsDict`, `elementsList`). */
  private pendingWatchers: Watcher[] | undefined;
  /** Set when this object is a bound method (the result of getattr). */
  bound: BoundMethod | undefined;
  /** Attributes whose later values the analysis must see (a method called on this object from a slot). */
  watchedAttrs: Map<string, Watcher> | undefined;
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
    this.states = undefined;
    this.items = undefined;
    this.elements = undefined;
    this.bound = undefined;
    this.watchedAttrs = undefined;
    this.pendingWatchers = undefined;
  }

  /** `items`, made on first use with the watchers registered so far. */
  itemsDict(): PyDict {
    if (this.items === undefined) {
      this.items = new PyDict();
      if (this.pendingWatchers !== undefined) this.items.watchers = this.pendingWatchers.slice();
    }
    return this.items;
  }

  /** `elements`, made on first use with the watchers registered so far. */
  elementsList(): PyList {
    if (this.elements === undefined) {
      this.elements = new PyList();
      if (this.pendingWatchers !== undefined) this.elements.watchers = this.pendingWatchers.slice();
    }
    return this.elements;
  }

  /**
   * Calls `w` with every item later added to `items` or `elements` (at
   * most `max` watchers per container), without making either before the
   * stream adds to it.
   */
  watchItems(w: Watcher, max: number): void {
    if (this.items !== undefined) addWatcher(this.items, w, max);
    if (this.elements !== undefined) addWatcher(this.elements, w, max);
    if (this.items === undefined || this.elements === undefined) {
      const pending = (this.pendingWatchers ??= []);
      if (pending.length < max) pending.push(w);
    }
  }

  setDunder(name: string, v: PyValue): void {
    this.dunders = withEntry(this.dunders, name, v);
  }

  /**
   * The instance attribute `name` as the BUILD states set it: its value,
   * absent, or unknown (a state whose keys the machine cannot see).
   */
  attribute(name: string): { value: PyValue } | 'absent' | 'unknown' {
    const states = this.states ?? [];
    for (let i = states.length - 1; i >= 0; i--) {
      const st = states[i] as PyValue;
      const parts = st instanceof PyTuple && st.count === 2 ? st.items : [st];
      for (let j = parts.length - 1; j >= 0; j--) {
        const part = parts[j] as PyValue;
        if (part === null) continue;
        if (part instanceof PyDict) {
          const r = part.lookup(name);
          if (r !== 'absent') return r;
        } else if (!(st instanceof PyTuple && st.count !== 2)) return 'unknown';
      }
    }
    return 'absent';
  }
}

/** A bound method as pickle writes one: `getattr(receiver, name)` on an object the stream built. */
export interface BoundMethod {
  receiver: PyObject;
  name: string;
  /** `Class.name` when the receiver's class is known and no instance attribute can shadow the method. */
  identity: PyGlobal | undefined;
  /** Why the identity is unknown. */
  unknownWhy?: string;
}

/** A value the machine could not know (after an error, a memo miss...). */
export class PyUnknown {
  readonly why: string;
  /**
   * True when the value stands for an error: the real load raised where it
   * was made (a stack underflow, a type error), so nothing built from it
   * ever runs.
   */
  readonly failed: boolean;
  constructor(why: string, failed = false) {
    this.why = why;
    this.failed = failed;
  }
}

/** Adds a watcher to a container unless it has `max` already (bounded against repeated BUILDs). */
export function addWatcher(c: { watchers: Watcher[] | undefined }, w: Watcher, max: number): void {
  const watchers = (c.watchers ??= []);
  if (watchers.length < max) watchers.push(w);
}

export function isDunderName(s: string): boolean {
  return s.length > 4 && s.startsWith('__') && s.endsWith('__');
}

/** Values whose identity only code run at load time decides: results of calls, globals, unknowns. */
export function isComputed(v: PyValue): boolean {
  return v instanceof PyObject || v instanceof PyGlobal || v instanceof PyUnknown;
}

/** A 2-item tuple or list whose first item could become an attribute name that matters. */
function isHazardPair(v: PyValue): boolean {
  if (!(v instanceof PyTuple || v instanceof PyList) || v.count !== 2) return false;
  const k = v.items[0];
  return k !== undefined && ((typeof k === 'string' && isDunderName(k)) || isComputed(k));
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
