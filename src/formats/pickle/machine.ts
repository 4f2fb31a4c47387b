/**
 * The symbolic pickle machine: CPython's unpickler (Modules/_pickle.c)
 * run on symbolic values. Real stack, marks (with the fence CPython
 * enforces), memo (sparse, keyed by index) and every opcode of protocols
 * 0-5. Nothing is imported or called: where CPython would call
 * `find_class`, a callable or `__setstate__`, the machine tells its hooks,
 * which decide what that means (see `analysis.ts`).
 *
 * Where CPython would raise (stack underflow, a missing memo key, a
 * non-string STACK_GLOBAL operand...), the machine reports an anomaly and
 * continues with an unknown value, so a payload placed after a deliberate
 * error is still seen (the C and Python unpicklers do not fail in exactly
 * the same places). Truncation and invalid opcodes end the stream.
 */
import { ModelguardError } from '../../errors.js';
import type { Limits } from '../limits.js';
import { mapPy2 } from '../../python-globals/names.js';
import { HIGHEST_PROTOCOL, Op, type OpInfo } from './opcodes.js';
import type { GlobalArg, PickleOp, PickleReader } from './reader.js';
import { PyBigInt, PyBytes, PyDict, PyFloat, PyGlobal, PyList, PyObject, PySet, PyStr, PyTuple, PyUnknown, typeName, type PyValue } from './values.js';

/** Where something happened in the stream. */
export interface Site {
  pos: number;
  opcode: string;
}

export type AnomalyKind =
  | 'semantic' // CPython raises here: the load fails at this point
  | 'dynamic-import' // STACK_GLOBAL operands are not constants
  | 'build-global' // BUILD on a module/class/function: monkey-patching
  | 'mutate-global' // APPEND/SETITEM/ADDITEMS on a global object
  | 'state-dunder' // BUILD state sets __setstate__, __class__...
  | 'out-of-band'; // NEXT_BUFFER without buffers

export interface Anomaly {
  kind: AnomalyKind;
  message: string;
  site: Site;
}

export interface MachineHooks {
  /** `find_class` resolved a global (GLOBAL, STACK_GLOBAL, INST). */
  onImport(g: PyGlobal, site: Site): void;
  /** A global was stored as data: container item, call argument, state, persistent id, result. */
  onReference(g: PyGlobal, site: Site): void;
  /** A call (`origin: 'call'`) or instantiation (`'new'`); returns the value pushed as its result. */
  onInvoke(obj: PyObject, site: Site): PyValue;
  /** BUILD applied `state` to `target` (after the machine handled `__setstate__` overrides). */
  onBuild(target: PyValue, state: PyValue, site: Site): void;
  /**
   * APPEND(S)/SETITEM(S)/ADDITEMS on an object that is not a plain list/dict/set;
   * `items` are what the opcode passes (key, value pairs flattened for SETITEM(S)).
   */
  onMutate(target: PyValue, site: Site, items: readonly PyValue[]): void;
  /** PERSID/BINPERSID: returns what `persistent_load(pid)` would. */
  onPersistentId(pid: PyValue, site: Site): PyValue;
  /** EXT1/EXT2/EXT4: returns the registry entry (none is registered by default). */
  onExtension(code: number, site: Site): PyValue;
  onAnomaly(a: Anomaly): void;
  /** Runs after BUILD; joblib reads array data that follows the wrapper here. */
  afterBuild?(target: PyValue, state: PyValue, reader: PickleReader): void;
}

export interface MachineOptions {
  limits: Pick<Limits, 'maxPickleOps' | 'maxMemoEntries' | 'maxStackDepth'>;
  /** Items kept per container (rendering and argument positions only). */
  retainItems: number;
}

export interface PickleResult {
  /** The value STOP returned. */
  value: PyValue;
  /** Protocol from PROTO, or 0. */
  proto: number;
  /** Offset of the STOP opcode. */
  stopPos: number;
  /** Opcodes executed. */
  ops: number;
  /** FRAME opcodes seen. */
  frames: number;
}

export class PickleMachine {
  private readonly reader: PickleReader;
  private readonly hooks: MachineHooks;
  private readonly opts: MachineOptions;
  private stack: PyValue[] = [];
  private marks: number[] = [];
  /** Memo slots below this index live in an array; sparse huge indices in a map. */
  private static readonly DENSE = 1 << 16;
  private memoDense: (PyValue | undefined)[] = [];
  private memoSparse = new Map<number, PyValue>();
  private memoSize = 0;
  private proto = 0;
  /** The opcode being run: its offset and name (copied: the reader reuses its op object, and hooks may read on). */
  private opPos = 0;
  private opInfo: OpInfo | undefined;
  /** Its site, made on first use: most opcodes never need one, and one object per opcode was a sixth of a small scan's allocation. */
  private site: Site | undefined;

  constructor(reader: PickleReader, hooks: MachineHooks, opts: MachineOptions) {
    this.reader = reader;
    this.hooks = hooks;
    this.opts = opts;
  }

  /** Where the running opcode is: one object per opcode, shared by every hook it calls (hooks keep it). */
  private at(): Site {
    return (this.site ??= { pos: this.opPos, opcode: this.opName });
  }

  /** The running opcode's name, for messages. */
  private get opName(): string {
    return this.opInfo?.name ?? '?';
  }

  private get fence(): number {
    return this.marks.length === 0 ? 0 : (this.marks[this.marks.length - 1] as number);
  }

  private semantic(message: string): PyUnknown {
    this.hooks.onAnomaly({ kind: 'semantic', message, site: this.at() });
    return new PyUnknown(message, true);
  }

  private push(v: PyValue): void {
    if (this.stack.length + this.marks.length >= this.opts.limits.maxStackDepth) {
      throw new ModelguardError('E_LIMIT', `pickle stack deeper than ${this.opts.limits.maxStackDepth}`);
    }
    this.stack.push(v);
  }

  private pop(): PyValue {
    if (this.stack.length <= this.fence) return this.semantic(`${this.opName}: unpickling stack underflow`);
    return this.stack.pop() as PyValue;
  }

  private top(): PyValue {
    if (this.stack.length <= this.fence) return this.semantic(`${this.opName}: unpickling stack underflow`);
    return this.stack[this.stack.length - 1] as PyValue;
  }

  /** Pops everything above the last MARK, and the mark. */
  private popMark(): PyValue[] {
    const m = this.marks.pop();
    if (m === undefined) {
      this.semantic(`${this.opName}: could not find MARK`);
      return [];
    }
    return this.stack.splice(m);
  }

  /** A value stored as data: globals in it are referenced. */
  private store(v: PyValue): PyValue {
    if (v instanceof PyGlobal) this.hooks.onReference(v, this.at());
    return v;
  }

  private tuple(items: PyValue[]): PyTuple {
    const t = new PyTuple();
    for (const v of items) t.push(this.store(v), this.opts.retainItems);
    return t;
  }

  private addItems(target: PyValue, items: PyValue[], kind: 'append' | 'set'): void {
    if (target instanceof PyList && kind === 'append') {
      for (const v of items) target.push(this.store(v), this.opts.retainItems);
    } else if (target instanceof PySet && !target.frozen && kind === 'set') {
      for (const v of items) target.push(this.store(v), this.opts.retainItems);
    } else {
      for (const v of items) this.store(v);
      if (target instanceof PyObject) {
        // A list or set subclass keeps them (hooks lists, lr_lambdas): slots read them back.
        const elements = target.elementsList();
        for (const v of items) elements.push(v, this.opts.retainItems);
      }
      this.mutate(target, items);
    }
  }

  private setItems(target: PyValue, items: PyValue[]): void {
    if (items.length % 2 !== 0) this.semantic(`${this.opName}: odd number of items`);
    if (target instanceof PyDict) {
      for (let i = 0; i + 1 < items.length; i += 2) {
        target.set(this.store(items[i] as PyValue), this.store(items[i + 1] as PyValue), this.opts.retainItems);
      }
    } else {
      for (const v of items) this.store(v);
      if (target instanceof PyObject) {
        // A dict subclass keeps them (OrderedDict hooks, AttributeDict items): slots read them back.
        const dict = target.itemsDict();
        for (let i = 0; i + 1 < items.length; i += 2) dict.set(items[i] as PyValue, items[i + 1] as PyValue, this.opts.retainItems);
      }
      this.mutate(target, items);
    }
  }

  private mutate(target: PyValue, items: readonly PyValue[]): void {
    if (target instanceof PyGlobal) {
      this.hooks.onAnomaly({
        kind: 'mutate-global',
        message: `${this.opName} on ${target.full} calls its item/append methods on a global object`,
        site: this.at(),
      });
    }
    this.hooks.onMutate(target, this.at(), items);
  }

  private findClass(module: string, name: string): PyGlobal {
    const [m, n] = mapPy2(module, name);
    const g = new PyGlobal(m, n, this.opPos, `${module}.${name}`);
    this.hooks.onImport(g, this.at());
    return g;
  }

  private invoke(init: ConstructorParameters<typeof PyObject>[0]): PyValue {
    return this.hooks.onInvoke(new PyObject(init), this.at());
  }

  /** CPython's `instantiate`: OBJ/INST call the class, or `cls.__new__(cls)` when there are no arguments. */
  private instantiate(cls: PyValue, args: PyValue[]): PyValue {
    const origin = args.length === 0 ? 'new' : 'call';
    return this.invoke({ origin, callee: cls, args: this.tuple(args), pos: this.opPos, opcode: this.opName });
  }

  private build(): void {
    const state = this.pop();
    const inst = this.top();
    this.store(state);
    if (inst instanceof PyGlobal) {
      this.hooks.onAnomaly({
        kind: 'build-global',
        message: `BUILD on ${inst.full} sets attributes of a module, class or function (monkey-patching)`,
        site: this.at(),
      });
    }
    if (inst instanceof PyObject) {
      inst.state = state;
      (inst.states ??= []).push(state);
      // CPython: setstate = getattr(inst, "__setstate__"); an instance attribute wins.
      const override = inst.dunders.get('__setstate__');
      if (override !== undefined) {
        const args = this.tuple([state]);
        this.invoke({ origin: 'call', callee: override, args, pos: this.opPos, opcode: 'BUILD(__setstate__)' });
        this.hooks.onBuild(inst, state, this.at());
        this.hooks.afterBuild?.(inst, state, this.reader);
        return;
      }
      // Without __setstate__: state (or state[0]) updates __dict__, state[1] is setattr'd.
      const parts = state instanceof PyTuple && state.count === 2 ? state.items : [state];
      for (const part of parts) {
        if (!(part instanceof PyDict)) continue;
        for (const [k, v] of part.dunders) {
          inst.setDunder(k, v);
          this.hooks.onAnomaly({
            kind: 'state-dunder',
            message: `BUILD state sets ${k} on an object: the next BUILD or lookup runs it`,
            site: this.at(),
          });
        }
      }
    }
    this.hooks.onBuild(inst, state, this.at());
    this.hooks.afterBuild?.(inst, state, this.reader);
  }

  private memoGet(idx: number | bigint): PyValue {
    const v = typeof idx !== 'number' ? undefined : idx < PickleMachine.DENSE ? this.memoDense[idx] : this.memoSparse.get(idx);
    if (v === undefined) return this.semantic(`${this.opName}: memo value not found at index ${idx}`);
    return v;
  }

  private memoPut(idx: number | bigint): void {
    if (typeof idx !== 'number' || idx < 0) {
      this.semantic(`${this.opName}: invalid memo index ${idx}`);
      return;
    }
    const v = this.top();
    const dense = idx < PickleMachine.DENSE;
    const had = dense ? this.memoDense[idx] !== undefined : this.memoSparse.has(idx);
    if (!had) {
      if (this.memoSize >= this.opts.limits.maxMemoEntries) {
        throw new ModelguardError('E_LIMIT', `more than ${this.opts.limits.maxMemoEntries} memo entries`, {
          offset: this.opPos,
        });
      }
      this.memoSize++;
    }
    if (dense) {
      while (this.memoDense.length < idx) this.memoDense.push(undefined);
      this.memoDense[idx] = v;
    } else this.memoSparse.set(idx, v);
  }

  /** Runs until STOP. Throws `ModelguardError` on truncation, invalid opcodes and limits. */
  run(): PickleResult {
    const limit = this.opts.limits.maxPickleOps;
    const retain = this.opts.retainItems;
    let ops = 0;
    let frames = 0;
    for (;;) {
      if (++ops > limit) {
        throw new ModelguardError('E_LIMIT', `more than ${limit} pickle opcodes`, { offset: this.reader.pos });
      }
      const op: PickleOp = this.reader.next();
      this.opPos = op.pos;
      this.opInfo = op.info;
      this.site = undefined;
      const arg = op.arg;
      switch (op.code) {
        // --- constants
        case Op.NONE:
          this.push(null);
          break;
        case Op.NEWTRUE:
          this.push(true);
          break;
        case Op.NEWFALSE:
          this.push(false);
          break;
        case Op.INT:
        case Op.BININT:
        case Op.BININT1:
        case Op.BININT2:
        case Op.LONG:
        case Op.LONG1:
        case Op.LONG4:
        case Op.FLOAT:
        case Op.BINFLOAT:
        case Op.STRING:
        case Op.BINSTRING:
        case Op.SHORT_BINSTRING:
        case Op.UNICODE:
        case Op.SHORT_BINUNICODE:
        case Op.BINUNICODE:
        case Op.BINUNICODE8:
        case Op.BINBYTES:
        case Op.SHORT_BINBYTES:
        case Op.BINBYTES8:
        case Op.BYTEARRAY8:
          this.push(arg as PyValue);
          break;
        // --- containers
        case Op.EMPTY_LIST:
          this.push(new PyList());
          break;
        case Op.EMPTY_TUPLE:
          this.push(new PyTuple());
          break;
        case Op.EMPTY_DICT:
          this.push(new PyDict());
          break;
        case Op.EMPTY_SET:
          this.push(new PySet(false));
          break;
        case Op.LIST: {
          const l = new PyList();
          for (const v of this.popMark()) l.push(this.store(v), retain);
          this.push(l);
          break;
        }
        case Op.TUPLE:
          this.push(this.tuple(this.popMark()));
          break;
        case Op.TUPLE1:
        case Op.TUPLE2:
        case Op.TUPLE3: {
          const n = op.code - Op.TUPLE1 + 1;
          const items: PyValue[] = [];
          for (let i = 0; i < n; i++) items.unshift(this.pop());
          this.push(this.tuple(items));
          break;
        }
        case Op.DICT: {
          const d = new PyDict();
          this.setItems(d, this.popMark());
          this.push(d);
          break;
        }
        case Op.FROZENSET: {
          const s = new PySet(true);
          for (const v of this.popMark()) s.push(this.store(v), retain);
          this.push(s);
          break;
        }
        case Op.APPEND: {
          const v = this.pop();
          this.addItems(this.top(), [v], 'append');
          break;
        }
        case Op.APPENDS: {
          const items = this.popMark();
          this.addItems(this.top(), items, 'append');
          break;
        }
        case Op.SETITEM: {
          const v = this.pop();
          const k = this.pop();
          this.setItems(this.top(), [k, v]);
          break;
        }
        case Op.SETITEMS: {
          const items = this.popMark();
          this.setItems(this.top(), items);
          break;
        }
        case Op.ADDITEMS: {
          const items = this.popMark();
          this.addItems(this.top(), items, 'set');
          break;
        }
        // --- stack and memo
        case Op.POP:
          if (this.stack.length > this.fence) this.stack.pop();
          else if (this.marks.length > 0) this.marks.pop();
          else this.semantic('POP: unpickling stack underflow');
          break;
        case Op.DUP:
          this.push(this.top());
          break;
        case Op.MARK:
          if (this.stack.length + this.marks.length >= this.opts.limits.maxStackDepth) {
            throw new ModelguardError('E_LIMIT', `pickle stack deeper than ${this.opts.limits.maxStackDepth}`);
          }
          this.marks.push(this.stack.length);
          break;
        case Op.POP_MARK:
          this.popMark();
          break;
        case Op.GET:
        case Op.BINGET:
        case Op.LONG_BINGET:
          this.push(this.memoGet(arg as number | bigint));
          break;
        case Op.PUT:
        case Op.BINPUT:
        case Op.LONG_BINPUT:
          this.memoPut(arg as number | bigint);
          break;
        case Op.MEMOIZE:
          this.memoPut(this.memoSize);
          break;
        // --- framing and protocol
        case Op.PROTO: {
          const p = arg as number;
          if (p > HIGHEST_PROTOCOL) this.semantic(`unsupported pickle protocol: ${p}`);
          else this.proto = p;
          break;
        }
        case Op.FRAME: {
          const n = arg as number;
          frames++;
          if (n > this.reader.remaining) {
            // CPython reads the whole frame up front and fails if it is short.
            throw new ModelguardError('E_TRUNCATED', `FRAME at offset ${op.pos} declares ${n} bytes, only ${this.reader.remaining} left`, { offset: op.pos });
          }
          break;
        }
        case Op.STOP: {
          const value = this.pop();
          this.store(value);
          return { value, proto: this.proto, stopPos: op.pos, ops, frames };
        }
        // --- imports
        case Op.GLOBAL: {
          const g = arg as GlobalArg;
          if (!g.validUtf8) this.semantic('GLOBAL: module or name is not valid UTF-8');
          this.push(this.findClass(g.module, g.name));
          break;
        }
        case Op.STACK_GLOBAL: {
          const name = this.pop();
          const module = this.pop();
          if (typeof module === 'string' && typeof name === 'string') {
            this.push(this.findClass(module, name));
          } else if (isConstant(module) && isConstant(name)) {
            this.push(this.semantic(`STACK_GLOBAL requires str, got ${typeName(module)} and ${typeName(name)}`));
          } else if ((module instanceof PyUnknown && module.failed) || (name instanceof PyUnknown && name.failed)) {
            // An operand from a stack underflow or an earlier error: CPython's load raised there, so nothing is imported.
            this.push(this.semantic('STACK_GLOBAL: an operand is missing (stack underflow) or the result of an error; the load fails here'));
          } else {
            this.hooks.onAnomaly({
              kind: 'dynamic-import',
              message: `STACK_GLOBAL imports a name computed while loading (${typeName(module)}, ${typeName(name)}): no pickler writes this; it hides the import from scanners`,
              site: this.at(),
            });
            this.push(new PyUnknown('dynamic import'));
          }
          break;
        }
        case Op.INST: {
          const g = arg as GlobalArg;
          const args = this.popMark();
          if (!g.validUtf8) this.semantic('INST: module or name is not valid UTF-8');
          const cls = this.findClass(g.module, g.name);
          this.push(this.instantiate(cls, args));
          break;
        }
        case Op.OBJ: {
          const items = this.popMark();
          if (items.length === 0) {
            this.push(this.semantic('OBJ: unpickling stack underflow'));
            break;
          }
          const [cls, ...args] = items as [PyValue, ...PyValue[]];
          this.push(this.instantiate(cls, args));
          break;
        }
        // --- invocations
        case Op.REDUCE: {
          const args = this.pop();
          const callee = this.pop();
          if (!(args instanceof PyTuple) && isConstant(args)) {
            this.semantic(`REDUCE: argument list must be a tuple, got ${typeName(args)}`);
          }
          this.push(this.invoke({ origin: 'call', callee, args: this.store(args), pos: op.pos, opcode: 'REDUCE' }));
          break;
        }
        case Op.NEWOBJ: {
          const args = this.pop();
          const cls = this.pop();
          if (!(args instanceof PyTuple) && isConstant(args)) {
            this.semantic(`NEWOBJ: expected a tuple of arguments, got ${typeName(args)}`);
          }
          this.push(this.invoke({ origin: 'new', callee: cls, args: this.store(args), pos: op.pos, opcode: 'NEWOBJ' }));
          break;
        }
        case Op.NEWOBJ_EX: {
          const kwargs = this.pop();
          const args = this.pop();
          const cls = this.pop();
          this.push(
            this.invoke({
              origin: 'new',
              callee: cls,
              args: this.store(args),
              kwargs: this.store(kwargs),
              pos: op.pos,
              opcode: 'NEWOBJ_EX',
            }),
          );
          break;
        }
        case Op.BUILD:
          this.build();
          break;
        case Op.EXT1:
        case Op.EXT2:
        case Op.EXT4:
          this.push(this.hooks.onExtension(arg as number, this.at()));
          break;
        case Op.PERSID:
          this.push(this.hooks.onPersistentId(arg as string, this.at()));
          break;
        case Op.BINPERSID: {
          const pid = this.pop();
          this.store(pid);
          this.push(this.hooks.onPersistentId(pid, this.at()));
          break;
        }
        case Op.NEXT_BUFFER:
          this.hooks.onAnomaly({
            kind: 'out-of-band',
            message: 'NEXT_BUFFER: the stream refers to out-of-band buffers; pickle.load fails without buffers=',
            site: this.at(),
          });
          this.push(new PyBytes('buffer', 0, op.pos, undefined));
          break;
        case Op.READONLY_BUFFER:
          this.top();
          break;
        default:
          // Every opcode in the table is handled above; the reader rejects the rest.
          throw new ModelguardError('E_MALFORMED', `unhandled opcode ${op.info.name}`, { offset: op.pos });
      }
    }
  }
}

/** Values the machine knows completely: what CPython's type checks can be decided on. */
function isConstant(v: PyValue): boolean {
  return (
    v === null ||
    typeof v === 'boolean' ||
    typeof v === 'number' ||
    typeof v === 'bigint' ||
    typeof v === 'string' ||
    v instanceof PyStr ||
    v instanceof PyBytes ||
    v instanceof PyList ||
    v instanceof PyDict ||
    v instanceof PySet ||
    v instanceof PyTuple ||
    v instanceof PyFloat ||
    v instanceof PyBigInt
  );
}
