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
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { configLimit, scanConfigText } from './config-scan.js';
import { CONFIG_ATTRS, MAX_HDF5_OBJECTS } from './hdf5/facts.js';
import { hdf5Facts } from './hdf5/host.js';
import { findHdf5Signature } from './hdf5/sniff.js';
import { KERAS_RULES } from './rules.js';

export const hdf5Format: FormatScanner = {
  id: 'hdf5',
  title: 'HDF5 (Keras legacy .h5, weights)',
  sniff(probe: Probe): boolean {
    return findHdf5Signature(probe.head) !== undefined;
  },
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const limit = configLimit(ctx);
    const facts = await hdf5Facts(src, limit, ctx.limits.maxHdf5Millis);
    for (const [k, v] of facts.info) ctx.info(`keras.${k === 'keras_version' ? 'version' : k}`, v);
    ctx.info('hdf5.objects', facts.objects);
    for (const x of facts.external.slice(0, 25)) {
      ctx.report({ rule: KERAS_RULES.hdf5External.id, severity: KERAS_RULES.hdf5External.severity, message: x });
    }
    if (facts.truncatedWalk) {
      ctx.report({ rule: 'engine/limit', severity: 'unscannable', message: `more than ${MAX_HDF5_OBJECTS} HDF5 objects; links after that were not checked` });
    }
    if (facts.configs.length === 0) {
      ctx.report({ rule: KERAS_RULES.hdf5Data.id, severity: 'info', message: `HDF5 file without a Keras model_config (${facts.objects} objects): data only` });
      return;
    }
    ctx.info('format', 'keras-h5');
    for (const c of CONFIG_ATTRS) {
      const v = facts.configs.find(([name]) => name === c.name)?.[1];
      if (v === undefined) continue;
      if (v.kind === 'unusable') {
        ctx.report({ rule: KERAS_RULES.badConfig.id, severity: KERAS_RULES.badConfig.severity, message: `${c.label} is ${v.why}; Keras cannot load it` });
        continue;
      }
      await scanConfigText(v.text, ctx, { label: c.label, expectObject: c.expectObject });
    }
  },
};
