/**
 * What the tensor rebuild functions of the weights-only set do with their
 * arguments (torch/_utils.py), interpreted on symbolic values: argument
 * shapes are checked as torch would, and the result is a `Tensor` over a
 * `Storage` the persistent loader resolved. Nothing here allocates or reads
 * tensor bytes.
 */
import { dtypeOfGlobal } from '../dtypes.js';
import { ConvertError } from '../errors.js';
import { PyDict, PyGlobal, PyObject, PyTuple, type PyValue } from '../../formats/pickle/values.js';
import { MAX_RANK } from './layout.js';
import { Storage, Tensor, type CkComplex, type CkForeign, type CkTorchConst, type CkUnsupportedTensor } from './tree.js';

export type Resolved = Tensor | Storage | CkUnsupportedTensor | CkForeign | CkComplex | CkTorchConst;

export type Resolve = (v: PyValue | undefined) => PyValue | Resolved | undefined;

function bad(fn: string, message: string, pos: number): ConvertError {
  return new ConvertError('E_CONVERT_PICKLE', `${fn} at offset ${pos}: ${message}`, { offset: pos });
}

export function argsOf(obj: PyObject, fn: string): PyValue[] {
  if (!(obj.args instanceof PyTuple)) throw bad(fn, 'arguments are not a tuple', obj.pos);
  if (obj.kwargs !== undefined) throw bad(fn, 'keyword arguments are not used by torch.save', obj.pos);
  return obj.args.items;
}

export function intArg(v: PyValue | Resolved | undefined, fn: string, what: string, pos: number): number {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw bad(fn, `${what} is not an integer`, pos);
}

function intTuple(v: PyValue | Resolved | undefined, fn: string, what: string, pos: number): number[] {
  if (!(v instanceof PyTuple)) throw bad(fn, `${what} is not a tuple`, pos);
  if (v.count > MAX_RANK) throw bad(fn, `${what} has ${v.count} dimensions (limit ${MAX_RANK})`, pos);
  return v.items.map((x, i) => intArg(x, fn, `${what}[${i}]`, pos));
}

function boolArg(v: PyValue | Resolved | undefined, fn: string, what: string, pos: number): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  throw bad(fn, `${what} is not a bool`, pos);
}

/**
 * `_rebuild_tensor(storage, offset, size, stride)`,
 * `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[, metadata])`,
 * `_rebuild_tensor_v3(storage, offset, size, stride, requires_grad, backward_hooks, dtype[, metadata])`.
 */
export function rebuildTensor(fn: string, obj: PyObject, resolve: Resolve): Tensor | CkUnsupportedTensor {
  const args = argsOf(obj, fn);
  const v = fn.endsWith('_v3') ? 3 : fn.endsWith('_v2') ? 2 : 1;
  const min = v === 1 ? 4 : v === 2 ? 6 : 7;
  if (args.length < min || args.length > min + (v === 1 ? 0 : 1)) {
    throw bad(fn, `takes ${min}${v === 1 ? '' : ` or ${min + 1}`} arguments, got ${args.length}`, obj.pos);
  }
  const storage = resolve(args[0]);
  if (!(storage instanceof Storage)) throw bad(fn, 'the first argument is not a storage from a persistent id', obj.pos);
  const storageOffset = intArg(args[1], fn, 'storage_offset', obj.pos);
  const shape = intTuple(resolve(args[2]), fn, 'size', obj.pos);
  const strides = intTuple(resolve(args[3]), fn, 'stride', obj.pos);
  if (shape.length !== strides.length) throw bad(fn, `${shape.length} sizes but ${strides.length} strides`, obj.pos);
  const requiresGrad = v === 1 ? false : boolArg(args[4], fn, 'requires_grad', obj.pos);
  if (v >= 2 && !(resolve(args[5]) instanceof PyDict)) throw bad(fn, 'backward_hooks is not a dict', obj.pos);
  let dtype = storage.dtype;
  if (v === 3) {
    const d = args[6];
    const dt = d instanceof PyGlobal ? dtypeOfGlobal(d.full) : undefined;
    if (dt === undefined) throw bad(fn, 'the dtype argument is not a torch dtype', obj.pos);
    dtype = dt;
  }
  const metadata = args[min];
  if (metadata !== undefined && metadata !== null) {
    const m = resolve(metadata);
    if (!(m instanceof PyDict)) throw bad(fn, 'metadata is not a dict', obj.pos);
    if (m.count > 0) {
      // torch._utils.set_tensor_metadata: conj/neg bits and backend flags change what the bytes mean.
      return { kind: 'unsupported-tensor', what: 'a tensor with backend metadata (conj/neg bits)', via: fn, pos: obj.pos };
    }
  }
  return new Tensor({ dtype, shape, strides, storageOffset, storage, requiresGrad, via: fn, pos: obj.pos });
}

/** `_rebuild_parameter(data, requires_grad, backward_hooks)` and `_rebuild_parameter_with_state(..., state)`. */
export function rebuildParameter(fn: string, obj: PyObject, resolve: Resolve): Tensor | CkUnsupportedTensor {
  const args = argsOf(obj, fn);
  const want = fn.endsWith('_with_state') ? 4 : 3;
  if (args.length !== want) throw bad(fn, `takes ${want} arguments, got ${args.length}`, obj.pos);
  const data = resolve(args[0]);
  if (isUnsupported(data)) return data;
  if (!(data instanceof Tensor)) throw bad(fn, 'data is not a tensor', obj.pos);
  boolArg(args[1], fn, 'requires_grad', obj.pos);
  if (!(resolve(args[2]) instanceof PyDict)) throw bad(fn, 'backward_hooks is not a dict', obj.pos);
  data.parameter = true;
  return data;
}

export function isUnsupported(v: unknown): v is CkUnsupportedTensor {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'unsupported-tensor';
}
