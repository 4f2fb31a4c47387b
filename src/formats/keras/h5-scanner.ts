/**
 * HDF5 files: Keras 2 `model.save("m.h5")` (and Keras 3's legacy .h5
 * loader) keeps the model as JSON in the root attribute `model_config`,
 * the compile settings in `training_config`, and the weights in groups.
 * `load_model` rebuilds every object in `model_config` (running Lambda
 * bytecode: Keras 2 always, Keras 3 before 3.11, CVE-2025-9905) and, when
 * compiling, `training_config`. Both are analysed like a `.keras` config.
 *
 * An HDF5 file without `model_config` (weights saved with `save_weights`,
 * a `.keras` archive's `model.weights.h5`, any other arrays) is data:
 * reported clean with an info finding. In every HDF5 file, links and
 * virtual datasets that point into other files are reported, because h5py
 * follows them when Keras reads the weights.
 */
import type { ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { configLimit, scanConfigText } from './config-scan.js';
import { withHdf5, type H5File } from './hdf5/h5wasm.js';
import { findHdf5Signature } from './hdf5/sniff.js';
import { KERAS_RULES } from './rules.js';

/** Links visited when looking for external links and virtual datasets (CWE-400). */
const MAX_HDF5_OBJECTS = 200_000;
/** Root attributes that Keras deserializes, and how. */
const CONFIG_ATTRS = [
  { name: 'model_config', label: 'model_config attribute', expectObject: true },
  { name: 'training_config', label: 'training_config attribute', expectObject: false },
] as const;
const H5T_STRING = 3;

type AttrValue = { kind: 'text'; text: string } | { kind: 'unusable'; why: string };

interface Facts {
  configs: Map<string, AttrValue>;
  info: Map<string, string>;
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

function readFacts(file: H5File, h5: typeof import('h5wasm'), limit: number): Facts {
  const names = new Set(Object.keys(file.attrs));
  const configs = new Map<string, AttrValue>();
  for (const c of CONFIG_ATTRS) if (names.has(c.name)) configs.set(c.name, stringAttr(file, c.name, limit));
  const info = new Map<string, string>();
  for (const k of ['keras_version', 'backend']) {
    if (!names.has(k)) continue;
    const v = stringAttr(file, k, limit);
    if (v.kind === 'text') info.set(k, v.text.slice(0, 100));
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

export const hdf5Format: FormatScanner = {
  id: 'hdf5',
  title: 'HDF5 (Keras legacy .h5, weights)',
  sniff(probe: Probe): boolean {
    return findHdf5Signature(probe.head) !== undefined;
  },
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const limit = configLimit(ctx);
    const facts = await withHdf5(src, (file, h5) => readFacts(file, h5, limit));
    for (const [k, v] of facts.info) ctx.info(`keras.${k === 'keras_version' ? 'version' : k}`, v);
    ctx.info('hdf5.objects', facts.objects);
    for (const x of facts.external.slice(0, 25)) {
      ctx.report({ rule: KERAS_RULES.hdf5External.id, severity: KERAS_RULES.hdf5External.severity, message: x });
    }
    if (facts.truncatedWalk) {
      ctx.report({ rule: 'engine/limit', severity: 'unscannable', message: `more than ${MAX_HDF5_OBJECTS} HDF5 objects; links after that were not checked` });
    }
    if (facts.configs.size === 0) {
      ctx.report({ rule: KERAS_RULES.hdf5Data.id, severity: 'info', message: `HDF5 file without a Keras model_config (${facts.objects} objects): data only` });
      return;
    }
    ctx.info('format', 'keras-h5');
    for (const c of CONFIG_ATTRS) {
      const v = facts.configs.get(c.name);
      if (v === undefined) continue;
      if (v.kind === 'unusable') {
        ctx.report({ rule: KERAS_RULES.badConfig.id, severity: KERAS_RULES.badConfig.severity, message: `${c.label} is ${v.why}; Keras cannot load it` });
        continue;
      }
      await scanConfigText(v.text, ctx, { label: c.label, expectObject: c.expectObject });
    }
  },
};
