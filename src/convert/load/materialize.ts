/**
 * Turns the machine's symbolic result into the checkpoint's object tree,
 * then walks the tree to name every tensor by its path.
 *
 * Shared objects stay shared (a tensor referenced twice is one `Tensor`);
 * cycles, which no checkpoint writer produces, are an error; depth is
 * limited (CWE-674).
 */
import { ConvertError } from '../errors.js';
import { ModelguardError } from '../../errors.js';
import { PyBigInt, PyBytes, PyDict, PyFloat, PyGlobal, PyList, PyObject, PySet, PyStr, PyTuple, PyUnknown, type PyValue } from '../../formats/pickle/values.js';
import { torchConstant } from './allow.js';
import { isResolved, type LoadHooks } from './hooks.js';
import type { CkDict, CkValue, NamedTensor, PathPart, CkUnsupportedTensor, CkForeign, Storage } from './tree.js';

/** Nesting accepted in the object tree (checkpoints are a few levels deep; CWE-674). */
export const MAX_TREE_DEPTH = 256;

export function materialize(value: PyValue, hooks: LoadHooks, salvage: boolean): CkValue {
  const done = new Map<object, CkValue>();
  const active = new Set<object>();

  const visit = (v: PyValue, depth: number): CkValue => {
    if (depth > MAX_TREE_DEPTH) throw new ModelguardError('E_LIMIT', `object tree deeper than ${MAX_TREE_DEPTH} levels`);
    if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return v;
    if (v instanceof PyFloat) return v.v;
    if (v instanceof PyBigInt) throw new ModelguardError('E_LIMIT', `an integer of ${v.nbytes} bytes`);
    if (v instanceof PyStr) throw new ModelguardError('E_LIMIT', `a string of ${v.length} bytes (over the in-memory limit)`);
    if (v instanceof PyUnknown) throw new ConvertError('E_CONVERT_PICKLE', `an unknown value in the tree (${v.why})`);
    const seen = done.get(v);
    if (seen !== undefined) return seen;
    if (active.has(v)) throw new ConvertError('E_CONVERT_PICKLE', 'the object tree contains a cycle (no checkpoint writer produces one)');
    active.add(v);
    let out: CkValue;
    if (v instanceof PyBytes) {
      out = { kind: 'bytes', length: v.length, data: v.data };
    } else if (v instanceof PyList || v instanceof PyTuple) {
      const items: CkValue[] = [];
      out = v instanceof PyList ? { kind: 'list', items } : { kind: 'tuple', items };
      for (const x of v.items) items.push(visit(x, depth + 1));
    } else if (v instanceof PySet) {
      const items: CkValue[] = [];
      out = { kind: 'set', frozen: v.frozen, items };
      for (const x of v.items) items.push(visit(x, depth + 1));
    } else if (v instanceof PyDict) {
      out = dict(v, hooks.ordered.has(v), (x) => visit(x, depth + 1));
    } else if (v instanceof PyGlobal) {
      const c = torchConstant(v.full);
      if (c !== undefined) out = { kind: 'torch', what: c.what, value: c.value };
      else if (salvage) out = { kind: 'foreign', global: v.full, use: 'reference', pos: v.pos };
      else {
        throw new ConvertError('E_CONVERT_FOREIGN_GLOBAL', `${v.full} is stored as a value; the weights-only set only stores dtypes, layouts and devices`, {
          global: v.full,
          offset: v.pos,
        });
      }
    } else if (v instanceof PyObject) {
      const r = hooks.resolved.get(v);
      if (r === undefined || !isResolved(r)) {
        throw new ConvertError('E_CONVERT_PICKLE', `an object built at offset ${v.pos} that the loader did not interpret`, { offset: v.pos });
      }
      const state = r.kind === 'foreign' ? hooks.foreignState.get(v) : undefined;
      const module = state instanceof PyDict ? moduleStateDict(state, (x) => visit(x, depth + 1)) : undefined;
      out = module ?? r;
    } else {
      throw new ConvertError('E_CONVERT_PICKLE', 'an unexpected value in the tree');
    }
    active.delete(v);
    done.set(v, out);
    return out;
  };
  return visit(value, 0);
}

/**
 * A pickled `nn.Module` (its `__dict__` as BUILD state) as the ordered dict
 * `module.state_dict()` would return: parameters, then persistent buffers,
 * then child modules under their names (so paths read `layer1.0.weight`).
 * Returns undefined for objects that are not modules.
 */
function moduleStateDict(state: PyDict, visit: (v: PyValue) => CkValue): CkDict | undefined {
  const params = state.get('_parameters');
  const buffers = state.get('_buffers');
  const modules = state.get('_modules');
  if (!(params instanceof PyDict) || !(buffers instanceof PyDict) || !(modules instanceof PyDict)) return undefined;
  const nonPersistent = state.get('_non_persistent_buffers_set');
  const skip = new Set(nonPersistent instanceof PySet ? nonPersistent.items.filter((x): x is string => typeof x === 'string') : []);
  const entries: [CkValue, CkValue][] = [];
  for (const [k, v] of params.entries) if (typeof k === 'string' && v !== null) entries.push([k, visit(v)]);
  for (const [k, v] of buffers.entries) if (typeof k === 'string' && v !== null && !skip.has(k)) entries.push([k, visit(v)]);
  for (const [k, v] of modules.entries) if (typeof k === 'string' && v !== null) entries.push([k, visit(v)]);
  return { kind: 'dict', ordered: true, entries };
}

/** A dict with Python's semantics for repeated keys: the last value wins, the first position stays. */
function dict(d: PyDict, ordered: boolean, visit: (v: PyValue) => CkValue): CkDict {
  const entries: [CkValue, CkValue][] = [];
  const index = new Map<string, number>();
  for (const [k, v] of d.entries) {
    const key = visit(k);
    const value = visit(v);
    const id = keyId(key);
    const at = id === undefined ? undefined : index.get(id);
    if (at !== undefined) {
      (entries[at] as [CkValue, CkValue])[1] = value;
    } else {
      if (id !== undefined) index.set(id, entries.length);
      entries.push([key, value]);
    }
  }
  return { kind: 'dict', ordered, entries };
}

/** A hashable key's identity as Python compares it (1 == 1.0 == True; strings apart from numbers). */
function keyId(k: CkValue): string | undefined {
  if (k === null) return 'None';
  switch (typeof k) {
    case 'boolean':
      return `n:${k ? 1 : 0}`;
    case 'number':
      return `n:${k}`;
    case 'bigint':
      return `n:${k}`;
    case 'string':
      return `s:${k}`;
    default:
      break;
  }
  if (k.kind === 'tuple') {
    const parts = k.items.map(keyId);
    return parts.some((p) => p === undefined) ? undefined : `t:(${parts.join(',')})`;
  }
  return undefined;
}

/** What a walk of the tree found. */
export interface TreeContents {
  /** Every tensor occurrence, in tree order. */
  tensors: NamedTensor[];
  unsupported: { path: readonly PathPart[]; node: CkUnsupportedTensor }[];
  foreign: { path: readonly PathPart[]; node: CkForeign }[];
  storages: { path: readonly PathPart[]; node: Storage }[];
}

/** Names every tensor (and unsupported or foreign node) by its path from the root. */
export function walkTree(root: CkValue): TreeContents {
  const out: TreeContents = { tensors: [], unsupported: [], foreign: [], storages: [] };
  const visit = (v: CkValue, path: PathPart[], depth: number): void => {
    if (depth > MAX_TREE_DEPTH || v === null || typeof v !== 'object') return;
    switch (v.kind) {
      case 'tensor':
        out.tensors.push({ path: [...path], tensor: v });
        return;
      case 'unsupported-tensor':
        out.unsupported.push({ path: [...path], node: v });
        return;
      case 'foreign':
        out.foreign.push({ path: [...path], node: v });
        return;
      case 'storage':
        out.storages.push({ path: [...path], node: v });
        return;
      case 'dict':
        for (const [k, x] of v.entries) {
          path.push(pathKey(k));
          visit(x, path, depth + 1);
          path.pop();
        }
        return;
      case 'list':
      case 'tuple':
      case 'set':
        v.items.forEach((x, i) => {
          path.push(i);
          visit(x, path, depth + 1);
          path.pop();
        });
        return;
      case 'bytes':
      case 'complex':
      case 'torch':
        return;
    }
  };
  visit(root, [], 0);
  return out;
}

/** A dict key as a path part: strings and ints as themselves, anything else rendered. */
function pathKey(k: CkValue): PathPart {
  if (typeof k === 'string') return k;
  if (typeof k === 'number' && Number.isSafeInteger(k)) return k;
  if (typeof k === 'bigint' || typeof k === 'boolean' || typeof k === 'number') return String(k);
  if (k === null) return 'None';
  return `<${k.kind} key>`;
}

/** A path as one dotted name (`state_dict.layer.0.weight`); the root is `<root>`. */
export function pathName(path: readonly PathPart[]): string {
  return path.length === 0 ? '<root>' : path.map(String).join('.');
}
