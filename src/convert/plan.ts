/**
 * From named source tensors to what the safetensors file will hold: dtype
 * names, optional float casting, and shared storages (tied weights)
 * handled as Hugging Face's converter does (safetensors `_find_shared_tensors`
 * and `_remove_duplicate_names`): tensors over the same storage whose byte
 * areas overlap form a group; one name is kept (the first in sorted order)
 * and each dropped name is recorded in `__metadata__` as `dropped: kept`.
 *
 * One deliberate difference: a name is dropped only when its tensor is an
 * exact alias of the kept one (same dtype, shape, strides and offset).
 * Overlapping views that differ (a slice, a transpose) are written as
 * copies: an alias in metadata cannot express the view, and dropping it
 * would lose data. `shared: 'copy'` writes every tensor in full.
 */
import { ConvertError } from './errors.js';
import type { SafetensorsDtype, TorchDtype } from './dtypes.js';
import { isFloatDtype, type FloatDtype } from './cast.js';
import type { LeftBehind } from './load/checkpoint.js';
import type { TensorLayout } from './load/layout.js';
import { compareNames, type HeaderTensor } from './safetensors/writer.js';

export type DataPlan =
  /** Bytes in the input file: a range when contiguous, a strided gather otherwise. */
  | { kind: 'file'; base: number; layout: TensorLayout; shape: readonly number[]; strides: readonly number[]; elSize: number }
  /** A deflated zip member (npz): `skip` header bytes, then `length` data bytes. */
  | { kind: 'inflate'; dataOffset: number; compressedSize: number; skip: number; length: number }
  | { kind: 'memory'; data: Uint8Array };

export interface SourceTensor {
  name: string;
  dtype: TorchDtype;
  shape: readonly number[];
  data: DataPlan;
  /** Where the bytes live, for finding shared storages; undefined when not shared-capable. */
  share: { identity: string; begin: number; end: number; view: string } | undefined;
}

export interface OutputTensor extends HeaderTensor {
  source: SourceTensor;
  cast: { from: FloatDtype; to: FloatDtype } | undefined;
}

export interface PlanOptions {
  shared: 'dedupe' | 'copy';
  dtype: FloatDtype | undefined;
  salvage: boolean;
  /** Extra `__metadata__` entries (after `format: pt`). */
  metadata: Readonly<Record<string, string>> | undefined;
}

export interface OutputPlan {
  tensors: OutputTensor[];
  metadata: Record<string, string>;
  /** Dropped names and the name they alias. */
  aliases: { name: string; kept: string }[];
  /** Groups of overlapping but different views written as separate copies. */
  sharedCopies: string[][];
  leftBehind: LeftBehind[];
  /** Tensors cast by `dtype`. */
  cast: number;
}

export function planOutput(sources: readonly SourceTensor[], opts: PlanOptions): OutputPlan {
  const seen = new Set<string>();
  for (const s of sources) {
    if (seen.has(s.name)) {
      throw new ConvertError('E_CONVERT_NAME', `two tensors flatten to the name '${s.name}' (a dict key contains '.'?)`, { tensor: s.name });
    }
    seen.add(s.name);
  }
  const leftBehind: LeftBehind[] = [];
  const kept: SourceTensor[] = [];
  for (const s of sources) {
    if (s.dtype.safetensors === undefined) {
      const why = `safetensors has no dtype for ${s.dtype.name}`;
      if (!opts.salvage) throw new ConvertError('E_CONVERT_UNSUPPORTED_TENSOR', `tensor '${s.name}': ${why}`, { tensor: s.name });
      leftBehind.push({ where: s.name, what: `tensor (${s.dtype.name})`, why });
      continue;
    }
    kept.push(s);
  }
  const metadata: Record<string, string> = { format: 'pt', ...opts.metadata };
  const aliases: { name: string; kept: string }[] = [];
  const sharedCopies: string[][] = [];
  const dropped = new Set<string>();
  if (opts.shared === 'dedupe') {
    for (const group of sharedGroups(kept)) {
      const byView = new Map<string, SourceTensor[]>();
      for (const s of group) {
        const v = s.share?.view ?? s.name;
        byView.set(v, [...(byView.get(v) ?? []), s]);
      }
      if (byView.size > 1) sharedCopies.push(group.map((s) => s.name).sort(compareNames));
      for (const same of byView.values()) {
        if (same.length < 2) continue;
        const names = same.map((s) => s.name).sort(compareNames);
        const keep = names[0] as string;
        for (const n of names.slice(1)) {
          dropped.add(n);
          aliases.push({ name: n, kept: keep });
          if (!Object.hasOwn(metadata, n)) metadata[n] = keep;
        }
      }
    }
  }
  let cast = 0;
  const tensors: OutputTensor[] = [];
  for (const s of kept) {
    if (dropped.has(s.name)) continue;
    const from = s.dtype.safetensors as SafetensorsDtype;
    let dtype = from;
    let c: OutputTensor['cast'];
    if (opts.dtype !== undefined && isFloatDtype(from) && from !== opts.dtype) {
      dtype = opts.dtype;
      c = { from, to: opts.dtype };
      cast++;
    }
    tensors.push({ name: s.name, dtype, shape: s.shape, source: s, cast: c });
  }
  return { tensors, metadata, aliases, sharedCopies, leftBehind, cast };
}

/** Groups (of two or more) of tensors whose bytes overlap in one storage, as `_filter_shared_not_shared` splits them. */
function sharedGroups(sources: readonly SourceTensor[]): SourceTensor[][] {
  const byStorage = new Map<string, SourceTensor[]>();
  for (const s of sources) {
    if (s.share === undefined || s.share.end === s.share.begin) continue;
    byStorage.set(s.share.identity, [...(byStorage.get(s.share.identity) ?? []), s]);
  }
  const groups: SourceTensor[][] = [];
  for (const list of byStorage.values()) {
    if (list.length < 2) continue;
    const areas = [...list].sort((a, b) => {
      const x = a.share as NonNullable<SourceTensor['share']>;
      const y = b.share as NonNullable<SourceTensor['share']>;
      return x.begin - y.begin || x.end - y.end || compareNames(a.name, b.name);
    });
    let current: SourceTensor[] = [];
    let lastStop = -1;
    for (const s of areas) {
      const { begin, end } = s.share as NonNullable<SourceTensor['share']>;
      if (current.length > 0 && begin >= lastStop) {
        if (current.length > 1) groups.push(current);
        current = [];
      }
      current.push(s);
      lastStop = end; // as the reference does: the latest area's end, not the running maximum
    }
    if (current.length > 1) groups.push(current);
  }
  return groups;
}
