/**
 * Keras v3 `.keras` archives (Keras 3, and Keras 2.13-2.15 `save_format="keras"`):
 * a zip with `config.json` (the serialized model), `metadata.json`
 * (`keras_version`, `date_saved`), the weights (`model.weights.h5`, or
 * `model.weights.npz`, or sharded `model.weights.json` + shards) and an
 * optional `assets/` folder that layers read.
 *
 * `keras.saving.load_model` reads `config.json` through zipfile (the last
 * central-directory entry of that name) and rebuilds every object in it:
 * that is where code can hide. Every root `config.json` entry is analysed
 * (listed or hidden, so a duplicate cannot shadow a payload); the weights
 * must be HDF5 and, like every other member, are scanned as files of
 * their own.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { ZipArchive, ZipEntry } from '../../containers/zip/archive.js';
import type { ScanContext } from '../context.js';
import type { ZipFlavour } from '../zip/flavour.js';
import { openMember, scanMembersAsFiles } from '../zip/members.js';
import { configLimit, parseConfig, scanConfigBytes } from './config-scan.js';
import { isHdf5Signature } from './hdf5/sniff.js';
import { decodeJsonBytes } from './json-text.js';
import { KERAS_RULES } from './rules.js';

const CONFIG = 'config.json';
const METADATA = 'metadata.json';
const WEIGHTS_H5 = 'model.weights.h5';
const WEIGHTS_NPZ = 'model.weights.npz';

/** Entries zipfile may return for `name` (any of the names a reading files them under). */
function named(zip: ZipArchive, name: string): ZipEntry[] {
  return zip.entries.filter((e) => e.names.includes(name));
}

/** Reads a small member whole, or reports why not. */
function readSmall(src: ByteSource, e: ZipEntry, ctx: ScanContext): Uint8Array | undefined {
  const limit = configLimit(ctx);
  if (e.uncompressedSize > limit) {
    ctx.report({ rule: 'engine/limit', severity: 'unscannable', message: `'${e.name}' declares ${e.uncompressedSize} bytes (limit ${limit}); not analysed` });
    return undefined;
  }
  const data = openMember(src, e, ctx, true);
  if (data === undefined) return undefined;
  if (data.size > limit) {
    ctx.report({ rule: 'engine/limit', severity: 'unscannable', message: `'${e.name}' holds ${data.size} bytes (limit ${limit}); not analysed` });
    return undefined;
  }
  return data.read(0, data.size);
}

function metadataInfo(bytes: Uint8Array, ctx: ScanContext): void {
  try {
    const { root } = parseConfig(decodeJsonBytes(bytes, METADATA), METADATA);
    if (typeof root === 'object' && root !== null && !Array.isArray(root) && typeof root['keras_version'] === 'string') {
      ctx.info('keras.version', root['keras_version']);
    }
  } catch {
    // Keras does not need metadata.json to load; a broken one changes nothing.
  }
}

export const kerasV3Flavour: ZipFlavour = {
  id: 'keras-v3',
  title: 'Keras v3 (.keras) archive',
  claims(zip: ZipArchive): boolean {
    const names = new Set(zip.entries.flatMap((e) => e.names));
    if (names.has(WEIGHTS_H5)) return true;
    return names.has(CONFIG) && (names.has(METADATA) || names.has(WEIGHTS_NPZ));
  },
  async scan(zip: ZipArchive, src: ByteSource, ctx: ScanContext): Promise<void> {
    const configs = named(zip, CONFIG);
    if (configs.length === 0) {
      ctx.report({
        rule: KERAS_RULES.badConfig.id,
        severity: KERAS_RULES.badConfig.severity,
        message: 'no config.json in the archive: keras.saving.load_model fails',
      });
    }
    for (const e of configs) {
      const mctx = ctx.child(e.name);
      const bytes = readSmall(src, e, mctx);
      if (bytes !== undefined) await scanConfigBytes(bytes, mctx, { label: CONFIG, expectObject: true });
    }
    for (const e of named(zip, METADATA)) {
      const bytes = readSmall(src, e, ctx.child(e.name));
      if (bytes !== undefined) metadataInfo(bytes, ctx);
    }
    await scanMembersAsFiles(zip, src, ctx, {
      skip: (e) => e.names.includes(CONFIG) || e.names.includes(METADATA),
      checkCrc: (e) => e.name === WEIGHTS_H5,
      inspect(e, data, mctx) {
        if (e.name !== WEIGHTS_H5 || isHdf5Signature(data.read(0, Math.min(8, data.size)))) return;
        mctx.report({
          rule: KERAS_RULES.weightsNotHdf5.id,
          severity: KERAS_RULES.weightsNotHdf5.severity,
          message: `'${e.name}' is not an HDF5 file; Keras fails to load the weights`,
        });
      },
    });
  },
};
