/**
 * PyTorch zip checkpoints (torch.save since 1.6): `<archive>/data.pkl`
 * holds the object tree, each storage is the record `<archive>/data/<key>`
 * (stored, never compressed), found the way torch's reader (miniz) finds
 * it. Storage bytes are located, never read.
 */
import type { ByteSource } from '../../bytes/source.js';
import { readZip, type ZipArchive } from '../../containers/zip/archive.js';
import { METHOD_STORED, entrySource, methodName } from '../../containers/zip/extract.js';
import { archiveFolder, findRecord } from '../../formats/torch/zip-checkpoint.js';
import type { Site } from '../../formats/pickle/machine.js';
import type { PyValue } from '../../formats/pickle/values.js';
import { ConvertError } from '../errors.js';
import type { Resolved } from './rebuild.js';
import { materialize } from './materialize.js';
import { parseStoragePid, runPickle, type LoadLimits } from './pickle.js';
import { Storage } from './tree.js';
import type { LoadedTree } from './loaded.js';

/** Byte order records longer than this are not a byte order. */
const MAX_BYTEORDER_BYTES = 16;

export function isTorchScript(zip: ZipArchive, archive: string): boolean {
  return zip.entries.some((e) => e.name.startsWith(`${archive}/code/`)) || findRecord(zip, archive, 'constants.pkl') !== undefined;
}

function checkByteOrder(src: ByteSource, zip: ZipArchive, archive: string): void {
  const rec = findRecord(zip, archive, 'byteorder');
  if (rec === undefined) return;
  if (rec.method !== METHOD_STORED || rec.compressedSize > MAX_BYTEORDER_BYTES) {
    throw new ConvertError('E_CONVERT_FORMAT', `${rec.name} is not a byte order record`);
  }
  const text = String.fromCharCode(...src.read(rec.dataOffset, rec.compressedSize));
  if (text === 'little') return;
  if (text === 'big') throw new ConvertError('E_CONVERT_FORMAT', 'the checkpoint was saved on a big-endian machine; byte swapping is not supported');
  throw new ConvertError('E_CONVERT_FORMAT', `${rec.name} says ${JSON.stringify(text)}, not 'little' or 'big'`);
}

export function loadZipTree(src: ByteSource, limits: LoadLimits, salvage: boolean): LoadedTree {
  const zip = readZip(src, limits.maxArchiveEntries);
  const archive = archiveFolder(zip);
  if (archive === undefined) throw new ConvertError('E_CONVERT_FORMAT', 'the first zip entry is not inside a folder: not a torch.save archive');
  if (isTorchScript(zip, archive)) {
    throw new ConvertError('E_CONVERT_FORMAT', 'a TorchScript archive (torch.jit.save) holds code, not a checkpoint; it cannot be converted');
  }
  const dataPkl = findRecord(zip, archive, 'data.pkl');
  if (dataPkl === undefined) throw new ConvertError('E_CONVERT_FORMAT', `no ${archive}/data.pkl: not a torch.save archive`);
  checkByteOrder(src, zip, archive);
  const storages = new Map<string, Storage>();

  const persistentLoad = (pid: PyValue, site: Site): Resolved => {
    const p = parseStoragePid(pid, false);
    if (typeof p === 'string') {
      if (salvage) return { kind: 'foreign', global: 'persistent_load', use: 'persistent id', pos: site.pos };
      throw new ConvertError('E_CONVERT_PICKLE', `${dataPkl.name}: persistent id at offset ${site.pos}: ${p}`, { offset: site.pos });
    }
    const seen = storages.get(p.key);
    // torch caches storages by key: the first persistent id decides the dtype.
    if (seen !== undefined) return seen;
    const s = new Storage({ key: p.key, dtype: p.dtype, nbytes: p.numel * p.dtype.size, location: p.location });
    storages.set(p.key, s);
    const rec = findRecord(zip, archive, `data/${p.key}`);
    if (rec === undefined) s.fail(`no record ${archive}/data/${p.key}`);
    else if (rec.method !== METHOD_STORED) {
      s.fail(`record ${rec.name} is compressed (${methodName(rec.method)}); torch.save writes storages stored`);
      s.problemCode = 'E_CONVERT_COMPRESSED';
    } else if (rec.compressedSize !== rec.uncompressedSize) {
      s.fail(`record ${rec.name} is stored with ${rec.compressedSize} bytes but declares ${rec.uncompressedSize}`);
    } else if (rec.compressedSize < s.nbytes) {
      s.fail(`claims ${s.nbytes} bytes (${p.numel} x ${p.dtype.size}) but its record ${rec.name} has ${rec.compressedSize}`);
    } else s.locate(rec.dataOffset);
    return s;
  };

  const pickle = entrySource(src, dataPkl, limits);
  const run = runPickle(pickle, 0, limits, { salvage, persistentLoad, label: dataPkl.name });
  const root = materialize(run.value, run.hooks, salvage);
  return { format: 'torch-zip', root, storages, notes: run.hooks.notes, detail: archive };
}
