/**
 * PyTorch's legacy format (`_use_new_zipfile_serialization=False`): five
 * pickles (magic number, protocol version, sys_info, object tree, storage
 * keys), then each storage in key order as an int64 element count and its
 * bytes. Mirrors torch/serialization.py `_legacy_load`: storages are
 * created by the object tree's persistent ids (`('storage', type, root_key,
 * location, numel, view_metadata)`), then filled from the records.
 */
import type { ByteSource } from '../../bytes/source.js';
import { ByteReader } from '../../bytes/reader.js';
import { MAGIC_NUMBER } from '../../formats/torch/legacy.js';
import type { Site } from '../../formats/pickle/machine.js';
import { render } from '../../formats/pickle/render.js';
import { PyDict, PyList, PyTuple, type PyValue } from '../../formats/pickle/values.js';
import { ConvertError } from '../errors.js';
import type { LoadedTree } from './loaded.js';
import { materialize } from './materialize.js';
import { asText, parseStoragePid, runPickle, type LoadLimits } from './pickle.js';
import type { Resolved } from './rebuild.js';
import { Storage } from './tree.js';

/** torch.serialization.PROTOCOL_VERSION */
const PROTOCOL_VERSION = 1001;

function header(what: string, message: string): ConvertError {
  return new ConvertError('E_CONVERT_FORMAT', `legacy checkpoint ${what}: ${message}`);
}

export function loadLegacyTree(src: ByteSource, limits: LoadLimits, salvage: boolean): LoadedTree {
  const dataOnly = (label: string) => ({ salvage, persistentLoad: undefined, dataOnly: true, label });
  const magic = runPickle(src, 0, limits, dataOnly('magic number pickle'));
  const m = magic.value;
  if (!(m === MAGIC_NUMBER || (typeof m === 'number' && BigInt(m) === MAGIC_NUMBER))) throw header('magic number', 'invalid; corrupt file?');
  const proto = runPickle(src, magic.next, limits, dataOnly('protocol version pickle'));
  if (proto.value !== PROTOCOL_VERSION) throw header('protocol version', `${render(proto.value)}, torch reads ${PROTOCOL_VERSION}`);
  const sys = runPickle(src, proto.next, limits, dataOnly('sys_info pickle'));
  if (sys.value instanceof PyDict) {
    const le = sys.value.get('little_endian');
    if (le === false) throw new ConvertError('E_CONVERT_FORMAT', 'the checkpoint was saved on a big-endian machine; byte swapping is not supported');
  } else if (!salvage) throw header('sys_info', 'not a dict');

  const storages = new Map<string, Storage>();
  const views = new Map<string, Storage>();
  const persistentLoad = (pid: PyValue, site: Site): Resolved => {
    const p = parseStoragePid(pid, true);
    if (typeof p === 'string') {
      if (salvage) return { kind: 'foreign', global: 'persistent_load', use: 'persistent id', pos: site.pos };
      throw new ConvertError('E_CONVERT_PICKLE', `object tree: persistent id at offset ${site.pos}: ${p}`, { offset: site.pos });
    }
    let root = storages.get(p.key);
    if (root === undefined) {
      root = new Storage({ key: p.key, dtype: p.dtype, nbytes: p.numel * p.dtype.size, location: p.location });
      root.fail('is named by the object tree but has no record (torch leaves it uninitialised)');
      storages.set(p.key, root);
    }
    if (p.view === null || p.view === undefined) return root;
    // (view_key, offset, view_size) in elements of the storage's dtype.
    const v = p.view;
    const items = v instanceof PyTuple ? v.items : [];
    const [vk, off, size] = items;
    const viewKey = asText(vk);
    if (items.length !== 3 || viewKey === undefined || typeof off !== 'number' || typeof size !== 'number' || off < 0 || size < 0) {
      throw new ConvertError('E_CONVERT_PICKLE', `object tree: storage view metadata at offset ${site.pos} is not (key, offset, size)`, { offset: site.pos });
    }
    const seen = views.get(viewKey);
    if (seen !== undefined) return seen;
    const el = root.dtype.size;
    const view = new Storage({ key: viewKey, dtype: root.dtype, nbytes: size * el, location: p.location, root, rootOffset: off * el });
    views.set(viewKey, view);
    return view;
  };
  const tree = runPickle(src, sys.next, limits, { salvage, persistentLoad, label: 'object tree pickle' });
  const keys = runPickle(src, tree.next, limits, dataOnly('storage keys pickle'));
  if (!(keys.value instanceof PyList)) throw header('storage keys', 'not a list');
  locateRecords(src, keys.next, keys.value.items, storages);
  for (const v of views.values()) resolveView(v);
  const root = materialize(tree.value, tree.hooks, salvage);
  const notes = [magic, proto, sys, tree, keys].flatMap((r) => r.hooks.notes);
  return { format: 'torch-legacy', root, storages, notes, detail: String(PROTOCOL_VERSION) };
}

/** Walks the storage records in key order, locating each storage's bytes. */
function locateRecords(src: ByteSource, start: number, keys: PyValue[], storages: Map<string, Storage>): void {
  let pos = start;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const s = typeof key === 'string' ? storages.get(key) : undefined;
    if (s === undefined) {
      // torch: `assert key in deserialized_objects`
      throw new ConvertError('E_CONVERT_PICKLE', `storage key ${JSON.stringify(key)} is not named by the object tree`);
    }
    if (pos + 8 > src.size) {
      failRest(keys, i, storages, `has no record: the file ends at ${src.size}, before its size field`);
      return;
    }
    const count = new ByteReader(src.read(pos, 8), pos).i64le('storage element count');
    const el = BigInt(s.dtype.size);
    const claimed = count * el;
    if (count < 0n || claimed > BigInt(src.size - pos - 8)) {
      s.fail(`claims ${count} elements x ${el} bytes at offset ${pos + 8}, but the file has ${src.size - pos - 8} bytes left`);
      failRest(keys, i + 1, storages, 'follows a storage that runs past the end of the file');
      return;
    }
    if (Number(claimed) !== s.nbytes) {
      // THPStorage_readFileRaw checks the record against the storage's size.
      s.fail(`record holds ${count} elements but the object tree declares ${s.nbytes / s.dtype.size}`);
    } else s.locate(pos + 8);
    pos += 8 + Number(claimed);
  }
}

function failRest(keys: PyValue[], from: number, storages: Map<string, Storage>, why: string): void {
  for (let i = from; i < keys.length; i++) {
    const k = keys[i];
    const s = typeof k === 'string' ? storages.get(k) : undefined;
    if (s !== undefined && s.problem !== undefined) s.fail(why);
    else if (s !== undefined) s.fail(why);
  }
}

function resolveView(v: Storage): void {
  const root = v.root;
  if (root === undefined) return;
  if (root.problem !== undefined || root.fileOffset === undefined) {
    v.fail(`is a view of storage '${root.key}', which ${root.problem ?? 'was not located'}`);
    return;
  }
  if (v.rootOffset + v.nbytes > root.nbytes) {
    v.fail(`is a view of ${v.nbytes} bytes at ${v.rootOffset} in storage '${root.key}' of ${root.nbytes} bytes`);
    return;
  }
  v.locate(root.fileOffset + v.rootOffset);
}
