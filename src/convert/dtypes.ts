/**
 * Element types: PyTorch dtypes (as pickled: `torch.float32`), the storage
 * classes that imply them, and their safetensors names. A table, so long.
 *
 * safetensors names follow the reference implementation's `Dtype` enum
 * (huggingface/safetensors `safetensors/src/tensor.rs`); a dtype without a
 * name there (complex128, complex32, quantized, bit-packed) cannot be
 * written and is reported as unsupported by the converter.
 */

// The safetensors dtype names, sizes and writer ranks live in the one table the scanner reads too.
export { SAFETENSORS_DTYPE_RANK, SAFETENSORS_DTYPE_SIZE, isSafetensorsDtype, type SafetensorsDtype } from '../formats/safetensors/dtypes.js';
import type { SafetensorsDtype } from '../formats/safetensors/dtypes.js';

export type DtypeKind = 'float' | 'float8' | 'int' | 'uint' | 'bool' | 'complex' | 'quantized' | 'bits';

export interface TorchDtype {
  /** Canonical torch name without the `torch.` prefix (`float32`). */
  readonly name: string;
  /** Bytes per element as torch stores it. */
  readonly size: number;
  readonly kind: DtypeKind;
  /** The safetensors name, or undefined when the format has none. */
  readonly safetensors: SafetensorsDtype | undefined;
}

function d(name: string, size: number, kind: DtypeKind, safetensors?: SafetensorsDtype): TorchDtype {
  return Object.freeze({ name, size, kind, safetensors });
}

/** Every dtype torch 1.13-2.x can pickle, by canonical name. */
export const TORCH_DTYPES: ReadonlyMap<string, TorchDtype> = new Map(
  [
    d('float64', 8, 'float', 'F64'),
    d('float32', 4, 'float', 'F32'),
    d('float16', 2, 'float', 'F16'),
    d('bfloat16', 2, 'float', 'BF16'),
    d('float8_e4m3fn', 1, 'float8', 'F8_E4M3'),
    d('float8_e5m2', 1, 'float8', 'F8_E5M2'),
    d('float8_e4m3fnuz', 1, 'float8', 'F8_E4M3FNUZ'),
    d('float8_e5m2fnuz', 1, 'float8', 'F8_E5M2FNUZ'),
    d('float8_e8m0fnu', 1, 'float8', 'F8_E8M0'),
    d('int8', 1, 'int', 'I8'),
    d('int16', 2, 'int', 'I16'),
    d('int32', 4, 'int', 'I32'),
    d('int64', 8, 'int', 'I64'),
    d('uint8', 1, 'uint', 'U8'),
    d('uint16', 2, 'uint', 'U16'),
    d('uint32', 4, 'uint', 'U32'),
    d('uint64', 8, 'uint', 'U64'),
    d('bool', 1, 'bool', 'BOOL'),
    d('complex64', 8, 'complex', 'C64'),
    d('complex128', 16, 'complex'),
    d('complex32', 4, 'complex'),
    d('qint8', 1, 'quantized'),
    d('quint8', 1, 'quantized'),
    d('qint32', 4, 'quantized'),
    d('quint4x2', 1, 'quantized'),
    d('quint2x4', 1, 'quantized'),
    d('float4_e2m1fn_x2', 1, 'bits'),
    d('bits8', 1, 'bits'),
    d('bits16', 2, 'bits'),
    d('bits1x8', 1, 'bits'),
    d('bits2x4', 1, 'bits'),
    d('bits4x2', 1, 'bits'),
  ].map((t) => [t.name, t]),
);

/** Aliases torch defines as module attributes (`torch.float` is `torch.float32`). */
const ALIASES: Readonly<Record<string, string>> = {
  float: 'float32',
  double: 'float64',
  half: 'float16',
  cfloat: 'complex64',
  cdouble: 'complex128',
  chalf: 'complex32',
  short: 'int16',
  int: 'int32',
  long: 'int64',
};

/** The dtype a pickled global names (`torch.float16`), or undefined. */
export function dtypeOfGlobal(full: string): TorchDtype | undefined {
  if (!full.startsWith('torch.')) return undefined;
  const n = full.slice('torch.'.length);
  return TORCH_DTYPES.get(ALIASES[n] ?? n);
}

export function dtypeByName(name: string): TorchDtype | undefined {
  return TORCH_DTYPES.get(ALIASES[name] ?? name);
}

/** dtype of each legacy storage class (`torch.FloatStorage`); untyped storages are bytes. */
const STORAGE_DTYPES: Readonly<Record<string, string>> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  ComplexFloatStorage: 'complex64',
  ComplexDoubleStorage: 'complex128',
  ByteStorage: 'uint8',
  CharStorage: 'int8',
  ShortStorage: 'int16',
  IntStorage: 'int32',
  LongStorage: 'int64',
  BoolStorage: 'bool',
  QInt8Storage: 'qint8',
  QUInt8Storage: 'quint8',
  QInt32Storage: 'qint32',
  QUInt4x2Storage: 'quint4x2',
  QUInt2x4Storage: 'quint2x4',
  UntypedStorage: 'uint8',
};

/** The storage class a persistent id names, resolved to its element dtype; undefined if it is not one. */
export function dtypeOfStorageClass(full: string): { dtype: TorchDtype; untyped: boolean } | undefined {
  let cls: string | undefined;
  if (full === 'torch.storage.UntypedStorage' || full === 'torch.UntypedStorage') cls = 'UntypedStorage';
  else if (/^torch\.(cuda\.)?[A-Za-z0-9]+Storage$/.test(full)) cls = full.slice(full.lastIndexOf('.') + 1);
  if (cls === undefined || (cls === 'UntypedStorage' && full.startsWith('torch.cuda.'))) return undefined;
  const name = STORAGE_DTYPES[cls];
  const dtype = name === undefined ? undefined : TORCH_DTYPES.get(name);
  return dtype === undefined ? undefined : { dtype, untyped: cls === 'UntypedStorage' };
}

/** dtypes `--dtype` casts between. */
export const CASTABLE: ReadonlySet<SafetensorsDtype> = new Set(['F64', 'F32', 'F16', 'BF16']);
