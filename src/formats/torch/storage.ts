/** PyTorch storage classes and dtypes: element sizes, for checking and skipping storage bytes. */

/** Bytes per element by legacy storage class name (`torch.FloatStorage`). */
export const STORAGE_ELEMENT_SIZE: Readonly<Record<string, number>> = {
  'torch.FloatStorage': 4,
  'torch.DoubleStorage': 8,
  'torch.HalfStorage': 2,
  'torch.BFloat16Storage': 2,
  'torch.ComplexFloatStorage': 8,
  'torch.ComplexDoubleStorage': 16,
  'torch.ByteStorage': 1,
  'torch.CharStorage': 1,
  'torch.ShortStorage': 2,
  'torch.IntStorage': 4,
  'torch.LongStorage': 8,
  'torch.BoolStorage': 1,
  'torch.QInt8Storage': 1,
  'torch.QUInt8Storage': 1,
  'torch.QInt32Storage': 4,
  'torch.QUInt4x2Storage': 1,
  'torch.QUInt2x4Storage': 1,
  'torch.storage.UntypedStorage': 1,
  'torch.UntypedStorage': 1,
};

export function storageElementSize(full: string): number | undefined {
  const direct = STORAGE_ELEMENT_SIZE[full];
  if (direct !== undefined) return direct;
  // CUDA storages pickled from GPU checkpoints: torch.cuda.FloatStorage.
  if (full.startsWith('torch.cuda.')) return STORAGE_ELEMENT_SIZE[`torch.${full.slice('torch.cuda.'.length)}`];
  return undefined;
}
