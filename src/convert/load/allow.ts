/**
 * The weights-only set the loader interprets: what
 * `torch.load(weights_only=True)` accepts (torch/_weights_only_unpickler.py,
 * torch 1.13 and 2.x), minus nothing, plus nothing. Every other global
 * stops the load (or, in salvage mode, becomes an object left behind).
 */
import { dtypeOfGlobal, dtypeOfStorageClass } from '../dtypes.js';

/** Rebuild functions producing a dense tensor. */
export const TENSOR_REBUILDS: ReadonlySet<string> = new Set([
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_tensor_v3',
]);

export const PARAMETER_REBUILDS: ReadonlySet<string> = new Set(['torch._utils._rebuild_parameter', 'torch._utils._rebuild_parameter_with_state']);

/** Rebuild functions in the weights-only set whose tensors this loader does not represent. */
export const UNSUPPORTED_REBUILDS: Readonly<Record<string, string>> = {
  'torch._utils._rebuild_qtensor': 'a quantized tensor',
  'torch._utils._rebuild_sparse_tensor': 'a sparse tensor',
  'torch._utils._rebuild_sparse_csr_tensor': 'a sparse CSR tensor',
  'torch._utils._rebuild_meta_tensor_no_storage': 'a meta tensor (shape only, no data)',
  'torch._utils._rebuild_device_tensor_from_numpy': 'a device tensor rebuilt from a numpy array',
  'torch._utils._rebuild_device_tensor_from_cpu_tensor': 'a device tensor (XLA/MTIA)',
  'torch._utils._rebuild_nested_tensor': 'a nested tensor',
  'torch._utils._rebuild_wrapper_subclass': 'a tensor subclass (wrapper)',
};

export const FROM_TYPE_REBUILDS: ReadonlySet<string> = new Set(['torch._tensor._rebuild_from_type_v2', 'torch._tensor._rebuild_from_type']);

/** Callables that build plain data. */
export const DATA_CALLABLES: ReadonlySet<string> = new Set([
  'collections.OrderedDict',
  'collections.Counter',
  'builtins.set',
  'builtins.frozenset',
  'builtins.bytearray',
  'builtins.complex',
  '_codecs.encode',
  'torch.Size',
  'torch.device',
  'torch.serialization._get_layout',
]);

/** Tensor classes `_rebuild_from_type_v2` may cast to (anything else is a user subclass). */
export const TENSOR_CLASSES: ReadonlySet<string> = new Set(['torch.Tensor', 'torch.nn.parameter.Parameter']);

const LAYOUTS = new Set(['strided', 'sparse_coo', 'sparse_csr', 'sparse_csc', 'sparse_bsr', 'sparse_bsc', '_mkldnn', 'jagged']);
const MEMORY_FORMATS = new Set(['contiguous_format', 'channels_last', 'channels_last_3d', 'preserve_format']);
const QSCHEMES = new Set(['per_tensor_affine', 'per_tensor_symmetric', 'per_channel_affine', 'per_channel_symmetric', 'per_channel_affine_float_qparams']);

export type ConstKind = 'dtype' | 'layout' | 'memory_format' | 'qscheme';

/** A torch constant stored as a value (`torch.float16`, `torch.strided`...), by kind and name. */
export function torchConstant(full: string): { what: ConstKind; value: string } | undefined {
  const dt = dtypeOfGlobal(full);
  if (dt !== undefined) return { what: 'dtype', value: dt.name };
  if (!full.startsWith('torch.')) return undefined;
  const n = full.slice('torch.'.length);
  if (LAYOUTS.has(n)) return { what: 'layout', value: n };
  if (MEMORY_FORMATS.has(n)) return { what: 'memory_format', value: n };
  if (QSCHEMES.has(n)) return { what: 'qscheme', value: n };
  return undefined;
}

/** Whether `find_class(module, name)` may resolve `full` at all. */
export function isAllowedGlobal(full: string): boolean {
  return (
    TENSOR_REBUILDS.has(full) ||
    PARAMETER_REBUILDS.has(full) ||
    FROM_TYPE_REBUILDS.has(full) ||
    Object.hasOwn(UNSUPPORTED_REBUILDS, full) ||
    DATA_CALLABLES.has(full) ||
    TENSOR_CLASSES.has(full) ||
    torchConstant(full) !== undefined ||
    dtypeOfStorageClass(full) !== undefined
  );
}
