/**
 * Checked tensor geometry: element count, byte size, contiguity and the
 * byte range of the storage a strided tensor touches. Every product and sum
 * is computed exactly (BigInt) before it is trusted, so a shape whose
 * product overflows or a stride that points past the storage is an error
 * naming the tensor, never a wrapped number.
 */
import { ConvertError } from '../errors.js';
import type { Tensor } from './tree.js';

/** Dimensions accepted per tensor (torch's own limit is 64; CWE-770). */
export const MAX_RANK = 64;

export interface TensorLayout {
  numel: number;
  /** numel x element size: the tensor's contiguous byte length. */
  nbytes: number;
  /** Row-major with no gaps (size-1 dimensions ignored, as torch does). */
  contiguous: boolean;
  /** Byte offset of element 0 from the start of the storage. */
  byteOffset: number;
  /** One past the last storage byte any element touches (== byteOffset when empty). */
  byteEnd: number;
}

function bounds(name: string, message: string): ConvertError {
  return new ConvertError('E_CONVERT_STORAGE_BOUNDS', `tensor '${name}': ${message}`, { tensor: name });
}

function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** Whether `strides` are the row-major strides of `shape` (ignoring size-1 dimensions). */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const s = shape[i] as number;
    if (s === 0) return true;
    if (s !== 1 && strides[i] !== expected) return false;
    expected *= s;
  }
  return true;
}

/** Row-major strides for `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = acc;
    acc *= shape[i] as number;
  }
  return out;
}

/** Geometry of a shape/stride/offset over elements of `elSize` bytes, checked against `storageBytes`. */
export function layoutOf(
  name: string,
  shape: readonly number[],
  strides: readonly number[],
  storageOffset: number,
  elSize: number,
  storageBytes: number,
): TensorLayout {
  if (shape.length > MAX_RANK) throw bounds(name, `${shape.length} dimensions (limit ${MAX_RANK})`);
  if (strides.length !== shape.length) throw bounds(name, `${shape.length} sizes but ${strides.length} strides`);
  if (!isCount(storageOffset)) throw bounds(name, `storage offset ${storageOffset} is not a non-negative integer`);
  let numel = 1n;
  let maxIndex = 0n;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i] as number;
    const st = strides[i] as number;
    if (!isCount(s)) throw bounds(name, `size ${s} in dimension ${i} is not a non-negative integer`);
    if (!isCount(st)) throw bounds(name, `stride ${st} in dimension ${i} is not a non-negative integer`);
    numel *= BigInt(s);
    if (s > 0) maxIndex += BigInt(s - 1) * BigInt(st);
  }
  const el = BigInt(elSize);
  const nbytes = numel * el;
  if (nbytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw bounds(name, `shape [${shape.join(', ')}] x ${elSize} bytes overflows (${nbytes} bytes)`);
  }
  const byteOffset = BigInt(storageOffset) * el;
  if (numel === 0n) {
    // An empty tensor touches no byte; torch accepts any offset for it.
    return { numel: 0, nbytes: 0, contiguous: true, byteOffset: 0, byteEnd: 0 };
  }
  const end = (BigInt(storageOffset) + maxIndex + 1n) * el;
  if (end > BigInt(storageBytes)) {
    throw bounds(
      name,
      `needs storage bytes up to ${end} (offset ${storageOffset}, shape [${shape.join(', ')}], strides [${strides.join(', ')}]) but its storage has ${storageBytes}`,
    );
  }
  return {
    numel: Number(numel),
    nbytes: Number(nbytes),
    contiguous: isContiguous(shape, strides),
    byteOffset: Number(byteOffset),
    byteEnd: Number(end),
  };
}

/** Layout of a loaded tensor, checked against its storage (which must have been located). */
export function tensorLayout(t: Tensor, name: string): TensorLayout {
  if (t.storage.problem !== undefined) {
    throw new ConvertError(t.storage.problemCode, `tensor '${name}': storage '${t.storage.key}' ${t.storage.problem}`, { tensor: name });
  }
  return layoutOf(name, t.shape, t.strides, t.storageOffset, t.dtype.size, t.storage.nbytes);
}
