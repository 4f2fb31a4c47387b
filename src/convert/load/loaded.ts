/** What a format loader hands back: the object tree and its storages, located. */
import type { LoadNote } from './hooks.js';
import type { CkValue, Storage } from './tree.js';

export type CheckpointFormat = 'torch-zip' | 'torch-legacy';

export interface LoadedTree {
  format: CheckpointFormat;
  root: CkValue;
  /** Every storage a persistent id named, by key. */
  storages: Map<string, Storage>;
  /** What salvage mode ignored (empty in strict mode). */
  notes: LoadNote[];
  /** Zip: the archive folder name; legacy: the pickle protocol version. */
  detail: string;
}
