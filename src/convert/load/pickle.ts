/**
 * Runs one pickle through the symbolic machine with loading hooks, and the
 * helpers torch's persistent loaders share: reading a storage persistent id.
 */
import type { ByteSource } from '../../bytes/source.js';
import { latin1Decode } from '../../bytes/text.js';
import { PickleMachine } from '../../formats/pickle/machine.js';
import { PickleReader } from '../../formats/pickle/reader.js';
import { PyBytes, PyGlobal, PyTuple, type PyValue } from '../../formats/pickle/values.js';
import { DEFAULT_LIMITS, type Limits } from '../../formats/limits.js';
import { dtypeOfStorageClass, type TorchDtype } from '../dtypes.js';
import { LoadHooks, type LoadHooksOptions } from './hooks.js';

/** Limits for loading: the scan defaults, with strings kept whole up to 16 MiB. */
export interface LoadLimits extends Pick<
  Limits,
  'maxPickleOps' | 'maxMemoEntries' | 'maxStackDepth' | 'maxArchiveEntries' | 'maxInflatedBytes' | 'maxInflateRatio'
> {
  /** Longest str/bytes constant kept in memory (longer bytes are kept as offsets; longer strings fail). */
  maxConstantBytes: number;
}

export const DEFAULT_LOAD_LIMITS: Readonly<LoadLimits> = Object.freeze({
  maxPickleOps: DEFAULT_LIMITS.maxPickleOps,
  maxMemoEntries: DEFAULT_LIMITS.maxMemoEntries,
  maxStackDepth: DEFAULT_LIMITS.maxStackDepth,
  maxArchiveEntries: DEFAULT_LIMITS.maxArchiveEntries,
  maxInflatedBytes: DEFAULT_LIMITS.maxInflatedBytes,
  maxInflateRatio: DEFAULT_LIMITS.maxInflateRatio,
  maxConstantBytes: 16 * 1024 * 1024,
});

export interface PickleRun {
  value: PyValue;
  /** Offset just after STOP. */
  next: number;
  hooks: LoadHooks;
}

export function runPickle(src: ByteSource, start: number, limits: LoadLimits, hooks: LoadHooksOptions): PickleRun {
  const reader = new PickleReader(src, start, src.size, limits.maxConstantBytes);
  const h = new LoadHooks(hooks);
  const machine = new PickleMachine(reader, h, { limits, retainItems: Infinity });
  const result = machine.run();
  return { value: result.value, next: reader.pos, hooks: h };
}

export function asText(v: PyValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof PyBytes && v.data !== undefined) return latin1Decode(v.data);
  return undefined;
}

/** A storage persistent id, parsed; or why it is not one. */
export interface StoragePid {
  storageClass: string;
  dtype: TorchDtype;
  key: string;
  location: string;
  numel: number;
  /** Legacy format: (view_key, offset, size) or null. */
  view: PyValue | undefined;
}

/** `('storage', type, key, location, numel[, view_metadata])`; a string says what is wrong. */
export function parseStoragePid(pid: PyValue, legacy: boolean): StoragePid | string {
  if (!(pid instanceof PyTuple)) return 'the persistent id is not a tuple';
  const items = pid.items;
  const typename = asText(items[0]);
  if (typename !== 'storage') return `persistent id of type ${typename === undefined ? '?' : JSON.stringify(typename)}, not 'storage'`;
  const want = legacy ? 6 : 5;
  if (items.length !== want) return `a storage persistent id has ${want} items, this one ${items.length}`;
  const [, cls, key, location, numel, view] = items;
  if (!(cls instanceof PyGlobal)) return 'the storage type is not a global';
  const st = dtypeOfStorageClass(cls.full);
  if (st === undefined) return `${cls.full} is not a storage class`;
  if (typeof key !== 'string') return 'the storage key is not a str';
  const loc = asText(location);
  if (loc === undefined) return 'the storage location is not a str';
  if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) return 'the element count is not a non-negative int';
  if (numel * st.dtype.size > Number.MAX_SAFE_INTEGER) return `storage '${key}' declares ${numel} elements, over 2^53 bytes`;
  return { storageClass: cls.full, dtype: st.dtype, key, location: loc, numel, view };
}
