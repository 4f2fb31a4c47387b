/**
 * What the Keras HDF5 scanner needs from a file, read with libhdf5: the root
 * attributes Keras deserializes (`model_config`, `training_config`), a few
 * informative ones, and every link or virtual dataset that points into
 * another file. Plain data, so it crosses from the HDF5 worker thread.
 */
import { ModelguardError } from '../../../errors.js';
import type { H5File, H5Lib } from './h5wasm.js';

/** Links visited when looking for external links and virtual datasets (CWE-400). */
export const MAX_HDF5_OBJECTS = 200_000;

/** Root attributes that Keras deserializes, and how. */
export const CONFIG_ATTRS = [
  { name: 'model_config', label: 'model_config attribute', expectObject: true },
  { name: 'training_config', label: 'training_config attribute', expectObject: false },
] as const;

const H5T_STRING = 3;

export type AttrValue = { kind: 'text'; text: string } | { kind: 'unusable'; why: string };

export interface Hdf5Facts {
  configs: [string, AttrValue][];
  info: [string, string][];
  external: string[];
  objects: number;
  truncatedWalk: boolean;
}

/** A root string attribute as Keras reads it (`attrs.get(name)`, `.decode("utf-8")` for bytes). */
function stringAttr(file: H5File, name: string, limit: number): AttrValue {
  const a = file.attrs[name];
  if (a === undefined) return { kind: 'unusable', why: 'missing' };
  const m = a.metadata;
  if (m.type !== H5T_STRING) return { kind: 'unusable', why: `stored as HDF5 type class ${m.type}, not a string` };
  if (m.shape === null || m.shape.length !== 0) return { kind: 'unusable', why: `an array of shape [${(m.shape ?? []).join(', ')}], not one string` };
  if (!m.vlen && m.size * m.total_size > limit) {
    throw new ModelguardError('E_LIMIT', `HDF5 attribute ${name}: ${m.size * m.total_size} bytes (limit ${limit})`);
  }
  const v = a.value;
  const text = Array.isArray(v) ? v[0] : v;
  if (typeof text !== 'string') return { kind: 'unusable', why: 'not readable as a string' };
  if (text.length > limit) throw new ModelguardError('E_LIMIT', `HDF5 attribute ${name}: ${text.length} characters (limit ${limit})`);
  return { kind: 'text', text };
}

/** Reads the facts from an open file; `limit` bounds each attribute's size. */
export function readFacts(file: H5File, h5: H5Lib, limit: number): Hdf5Facts {
  const names = new Set(Object.keys(file.attrs));
  const configs: [string, AttrValue][] = [];
  for (const c of CONFIG_ATTRS) if (names.has(c.name)) configs.push([c.name, stringAttr(file, c.name, limit)]);
  const info: [string, string][] = [];
  for (const k of ['keras_version', 'backend']) {
    if (!names.has(k)) continue;
    const v = stringAttr(file, k, limit);
    if (v.kind === 'text') info.push([k, v.text.slice(0, 100)]);
  }
  const M = h5.Module;
  const all = M.get_names(file.file_id, '/', true);
  const external: string[] = [];
  const n = Math.min(all.length, MAX_HDF5_OBJECTS);
  for (let i = 0; i < n; i++) {
    const path = `/${all[i] as string}`;
    const type = M.get_type(file.file_id, path);
    if (type === M.H5G_UDLINK) {
      const link = M.get_external_link(file.file_id, path);
      external.push(`${path} links to ${link.filename}:${link.obj_path}`);
    } else if (type === M.H5G_DATASET) {
      const sources = M.get_dataset_metadata(file.file_id, path).virtual_sources ?? [];
      for (const s of sources) if (s.file_name !== '.') external.push(`${path} maps data from ${s.file_name}:${s.dset_name}`);
    }
  }
  return { configs, info, external, objects: all.length, truncatedWalk: all.length > MAX_HDF5_OBJECTS };
}
