/**
 * Machine hooks that load instead of scan: the weights-only set is
 * interpreted (containers are filled, tensor rebuild calls become `Tensor`
 * objects over resolved storages) and everything else stops the load with
 * a typed error naming the global. In salvage mode, foreign objects become
 * `CkForeign` placeholders that the converter leaves behind; nothing is
 * ever imported or called.
 */
import { ConvertError } from '../errors.js';
import type { Anomaly, MachineHooks, Site } from '../../formats/pickle/machine.js';
import { PyBytes, PyDict, PyFloat, PyGlobal, PyList, PyObject, PySet, PyStr, PyTuple, type PyValue } from '../../formats/pickle/values.js';
import { DATA_CALLABLES, FROM_TYPE_REBUILDS, PARAMETER_REBUILDS, TENSOR_CLASSES, TENSOR_REBUILDS, UNSUPPORTED_REBUILDS, isAllowedGlobal } from './allow.js';
import { argsOf, isUnsupported, rebuildParameter, rebuildTensor, type Resolved } from './rebuild.js';
import type { CkForeign } from './tree.js';

export interface LoadHooksOptions {
  /** Leave foreign objects behind instead of failing. */
  salvage: boolean;
  /** PyTorch's persistent_load; undefined where persistent ids are not expected (a plain data pickle). */
  persistentLoad: ((pid: PyValue, site: Site) => Resolved) | undefined;
  /** Accept no global at all (the legacy format's header pickles hold plain data). */
  dataOnly?: boolean;
  /** Label for messages (`data.pkl`, `legacy sys_info pickle`). */
  label: string;
}

/** Something salvage mode ignored that strict mode would have refused. */
export interface LoadNote {
  global: string | undefined;
  message: string;
  pos: number;
}

export class LoadHooks implements MachineHooks {
  readonly resolved = new Map<PyObject, Resolved>();
  /** BUILD states applied to foreign objects (a pickled nn.Module's __dict__), kept to find its tensors. */
  readonly foreignState = new Map<PyObject, PyValue>();
  readonly ordered = new WeakSet<PyDict>();
  readonly notes: LoadNote[] = [];
  private readonly opts: LoadHooksOptions;

  constructor(opts: LoadHooksOptions) {
    this.opts = opts;
  }

  resolve = (v: PyValue | undefined): PyValue | Resolved | undefined => {
    return v instanceof PyObject ? (this.resolved.get(v) ?? v) : v;
  };

  private foreign(global: string, use: string, pos: number, why?: string): CkForeign {
    if (!this.opts.salvage) {
      throw new ConvertError('E_CONVERT_FOREIGN_GLOBAL', `${this.opts.label}: ${why ?? `${global} is outside the weights-only set`} (pickle offset ${pos})`, {
        global,
        offset: pos,
      });
    }
    return { kind: 'foreign', global, use, pos };
  }

  onImport(g: PyGlobal, site: Site): void {
    if (this.opts.salvage) return;
    if (this.opts.dataOnly === true || !isAllowedGlobal(g.full)) this.foreign(g.full, 'import', site.pos);
  }

  onReference(): void {}

  onInvoke(obj: PyObject, site: Site): PyValue {
    const callee = this.resolve(obj.callee);
    let out: PyValue | Resolved;
    if (callee instanceof PyGlobal) {
      try {
        out = this.invokeGlobal(callee.full, obj);
      } catch (e) {
        if (!this.opts.salvage || !(e instanceof ConvertError) || e.code !== 'E_CONVERT_PICKLE') throw e;
        out = { kind: 'foreign', global: callee.full, use: obj.origin, pos: obj.pos };
        this.notes.push({ global: callee.full, message: e.message, pos: obj.pos });
      }
    } else if (typeof callee === 'object' && callee !== null && 'kind' in callee && callee.kind === 'foreign') {
      out = this.foreign(callee.global, 'call', site.pos);
    } else {
      out = this.foreign('<computed callable>', obj.origin, site.pos, `${site.opcode} calls a value that is not a global`);
    }
    if (out instanceof PyObject || !isResolved(out)) return out;
    this.resolved.set(obj, out);
    return obj;
  }

  private invokeGlobal(full: string, obj: PyObject): PyValue | Resolved {
    if (this.opts.dataOnly === true) return this.foreign(full, obj.origin, obj.pos);
    if (obj.origin !== 'call') {
      return this.foreign(full, obj.origin, obj.pos, `${full} is instantiated with NEWOBJ/OBJ, which the weights-only set never does`);
    }
    if (TENSOR_REBUILDS.has(full)) return rebuildTensor(full, obj, this.resolve);
    if (PARAMETER_REBUILDS.has(full)) return rebuildParameter(full, obj, this.resolve);
    const unsupported = UNSUPPORTED_REBUILDS[full];
    if (unsupported !== undefined) return { kind: 'unsupported-tensor', what: unsupported, via: full, pos: obj.pos };
    if (FROM_TYPE_REBUILDS.has(full)) return this.fromType(full, obj);
    if (DATA_CALLABLES.has(full)) return this.data(full, obj);
    return this.foreign(full, 'call', obj.pos, `${full} is in the weights-only set but not as a callable`);
  }

  /** `_rebuild_from_type_v2(func, new_type, args, state)`: `func(*args)` cast to `new_type`. */
  private fromType(full: string, obj: PyObject): Resolved {
    const [fn, newType, args] = argsOf(obj, full);
    if (!(fn instanceof PyGlobal) || !(newType instanceof PyGlobal) || !(args instanceof PyTuple)) {
      throw new ConvertError('E_CONVERT_PICKLE', `${full} at offset ${obj.pos}: expects (func, type, args, state)`, { offset: obj.pos });
    }
    if (!TENSOR_CLASSES.has(newType.full)) {
      return this.foreign(newType.full, 'build', obj.pos, `${newType.full} is a tensor subclass outside the weights-only set`);
    }
    const inner = new PyObject({ origin: 'call', callee: fn, args, pos: obj.pos, opcode: 'REDUCE' });
    const result = this.resolve(this.onInvoke(inner, { pos: obj.pos, opcode: 'REDUCE' }));
    if (isUnsupported(result)) return result;
    if (!isResolved(result) || result.kind !== 'tensor') {
      throw new ConvertError('E_CONVERT_PICKLE', `${full} at offset ${obj.pos}: ${fn.full} did not build a tensor`, { offset: obj.pos });
    }
    if (newType.full === 'torch.nn.parameter.Parameter') result.parameter = true;
    return result;
  }

  /** Callables that build plain data: containers, bytes, sizes, devices, layouts. */
  private data(full: string, obj: PyObject): PyValue | Resolved {
    const args = argsOf(obj, full);
    const bad = (m: string): ConvertError => new ConvertError('E_CONVERT_PICKLE', `${full} at offset ${obj.pos}: ${m}`, { offset: obj.pos });
    const a0 = this.resolve(args[0]);
    switch (full) {
      case 'collections.OrderedDict':
      case 'collections.Counter': {
        const d = new PyDict();
        if (full === 'collections.OrderedDict') this.ordered.add(d);
        if (args.length === 0) return d;
        if (args.length === 1 && a0 instanceof PyDict) {
          for (const [k, v] of a0.entries) d.set(k, v, Infinity);
          return d;
        }
        if (args.length === 1 && (a0 instanceof PyList || a0 instanceof PyTuple)) {
          for (const pair of a0.items) {
            if (!(pair instanceof PyTuple) || pair.items.length !== 2) throw bad('items are not (key, value) pairs');
            d.set(pair.items[0] as PyValue, pair.items[1] as PyValue, Infinity);
          }
          return d;
        }
        throw bad('unexpected arguments');
      }
      case 'builtins.set':
      case 'builtins.frozenset': {
        const s = new PySet(full === 'builtins.frozenset');
        if (args.length === 0) return s;
        if (args.length === 1 && (a0 instanceof PyList || a0 instanceof PyTuple || a0 instanceof PySet)) {
          for (const v of a0.items) s.push(v, Infinity);
          return s;
        }
        throw bad('expects one list');
      }
      case 'builtins.bytearray':
        if (args.length === 0) return new PyBytes('bytearray', 0, obj.pos, new Uint8Array(0));
        if (args.length === 1 && a0 instanceof PyBytes) return new PyBytes('bytearray', a0.length, a0.offset, a0.data);
        throw bad('expects bytes');
      case '_codecs.encode': {
        // Protocol 2 pickles bytes as _codecs.encode(str, 'latin1').
        if (args.length !== 2 || args[1] !== 'latin1') throw bad("expects (str, 'latin1')");
        if (typeof a0 === 'string') {
          const data = latin1Encode(a0);
          if (data === undefined) throw bad('the string has characters outside latin-1');
          return new PyBytes('bytes', data.length, obj.pos, data);
        }
        if (a0 instanceof PyStr) return new PyBytes('bytes', a0.length, obj.pos, undefined);
        throw bad('expects a str');
      }
      case 'builtins.complex': {
        const re = num(a0);
        const im = args.length > 1 ? num(this.resolve(args[1])) : 0;
        if (re === undefined || im === undefined || args.length > 2) throw bad('expects (real, imag) numbers');
        return { kind: 'complex', re, im };
      }
      case 'torch.Size':
        if (args.length === 1 && a0 instanceof PyTuple) return a0;
        if (args.length === 0) return new PyTuple();
        throw bad('expects a tuple');
      case 'torch.device': {
        const type = a0;
        const index = args.length > 1 ? this.resolve(args[1]) : null;
        if (typeof type !== 'string' || (index !== null && typeof index !== 'number') || args.length > 2) throw bad('expects (type[, index])');
        return { kind: 'torch', what: 'device', value: index === null ? type : `${type}:${index}` };
      }
      case 'torch.serialization._get_layout':
        if (args.length === 1 && typeof a0 === 'string' && /^torch\.[A-Za-z_0-9]+$/.test(a0)) {
          return { kind: 'torch', what: 'layout', value: a0.slice('torch.'.length) };
        }
        throw bad('expects a layout name');
      default:
        throw bad('not a data callable');
    }
  }

  onBuild(target: PyValue, state: PyValue, site: Site): void {
    if (target instanceof PyDict && this.ordered.has(target) && (state instanceof PyDict || state === null)) {
      // OrderedDict.__reduce__ keeps instance attributes (state_dict()._metadata): plain data, not needed.
      return;
    }
    const t = this.resolve(target);
    const name = t instanceof PyGlobal ? t.full : isResolved(t) && t.kind === 'foreign' ? t.global : undefined;
    if (this.opts.salvage) {
      if (target instanceof PyObject && isResolved(t) && t.kind === 'foreign') {
        this.foreignState.set(target, state);
        return;
      }
      if (target instanceof PyObject && isResolved(t) && t.kind !== 'foreign') {
        // State applied to a tensor or storage could change what it means: leave it behind.
        this.resolved.set(target, { kind: 'foreign', global: 'BUILD', use: 'build', pos: site.pos });
      }
      this.notes.push({ global: name, message: `BUILD at offset ${site.pos} ignored`, pos: site.pos });
      return;
    }
    throw new ConvertError('E_CONVERT_PICKLE', `${this.opts.label}: BUILD at offset ${site.pos} sets state on a value the weights-only set does not allow`, {
      offset: site.pos,
      ...(name === undefined ? {} : { global: name }),
    });
  }

  onMutate(target: PyValue, site: Site): void {
    const t = this.resolve(target);
    if (this.opts.salvage && isResolved(t) && t.kind === 'foreign') return;
    if (this.opts.salvage && target instanceof PyGlobal) {
      this.notes.push({ global: target.full, message: `${site.opcode} on a global ignored`, pos: site.pos });
      return;
    }
    throw new ConvertError(
      'E_CONVERT_PICKLE',
      `${this.opts.label}: ${site.opcode} at offset ${site.pos} adds items to a value that is not a list, dict or set`,
      {
        offset: site.pos,
      },
    );
  }

  onPersistentId(pid: PyValue, site: Site): PyValue {
    if (this.opts.persistentLoad === undefined) {
      throw new ConvertError('E_CONVERT_PICKLE', `${this.opts.label}: persistent id at offset ${site.pos} where none is expected`, {
        offset: site.pos,
      });
    }
    const obj = new PyObject({ origin: 'persid', pos: site.pos, opcode: site.opcode, extra: pid });
    this.resolved.set(obj, this.opts.persistentLoad(pid, site));
    return obj;
  }

  onExtension(code: number, site: Site): PyValue {
    throw new ConvertError(
      'E_CONVERT_PICKLE',
      `${this.opts.label}: EXT opcode (code ${code}) at offset ${site.pos}: no extension is registered, pickle.load fails`,
      {
        offset: site.pos,
      },
    );
  }

  onAnomaly(a: Anomaly): void {
    if (this.opts.salvage && (a.kind === 'build-global' || a.kind === 'mutate-global' || a.kind === 'state-dunder')) {
      this.notes.push({ global: undefined, message: a.message, pos: a.site.pos });
      return;
    }
    throw new ConvertError('E_CONVERT_PICKLE', `${this.opts.label}: ${a.message} (offset ${a.site.pos})`, { offset: a.site.pos });
  }
}

/** Latin-1 bytes of a string, or undefined if a character is above U+00FF. */
function latin1Encode(s: string): Uint8Array | undefined {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return undefined;
    out[i] = c;
  }
  return out;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof PyFloat) return v.v;
  return undefined;
}

/** Whether a hook result is one of the loader's own values rather than a symbolic pickle value. */
export function isResolved(v: unknown): v is Resolved {
  if (typeof v !== 'object' || v === null) return false;
  const k = (v as { kind?: unknown }).kind;
  return k === 'tensor' || k === 'storage' || k === 'unsupported-tensor' || k === 'foreign' || k === 'complex' || k === 'torch';
}
