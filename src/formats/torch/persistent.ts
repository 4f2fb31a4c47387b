/**
 * PyTorch's `persistent_load` as a scanner sees it: checkpoints name their
 * tensor storages with persistent ids `('storage', StorageType, key,
 * location, numel)` (zip format) or `(..., view_metadata)` (legacy). Any
 * other shape makes torch.load fail or take an unusual path and is
 * reported. The storage references are collected so the container can
 * tell storage records from other members.
 */
import { PickleAnalysis } from '../pickle/analysis.js';
import type { Site } from '../pickle/machine.js';
import { render } from '../pickle/render.js';
import { PICKLE_RULES } from '../pickle/rules.js';
import { PyBytes, PyGlobal, PyObject, PyTuple, type PyValue } from '../pickle/values.js';
import { latin1Decode } from '../../bytes/text.js';

export interface StorageRef {
  key: string;
  storageType: string;
  location: string;
  numel: number;
}

function asText(v: PyValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof PyBytes && v.data !== undefined) return latin1Decode(v.data);
  return undefined;
}

/** Makes a persistent loader that records storage references into `refs`. */
export function torchPersistentLoad(refs: Map<string, StorageRef>, legacy: boolean): (pid: PyValue, site: Site, a: PickleAnalysis) => PyValue {
  return (pid, site, a) => {
    const obj = new PyObject({ origin: 'persid', pos: site.pos, opcode: site.opcode, extra: pid });
    const items = pid instanceof PyTuple ? pid.items : undefined;
    const typename = asText(items?.[0]);
    if (items !== undefined && typename === 'module' && legacy) {
      // Legacy: ('module', container_type, source_file, source); torch only compares the source text.
      return items[1] ?? obj;
    }
    const want = legacy ? 6 : 5;
    const [, storageType, key, location, numel] = items ?? [];
    const keyText = asText(key);
    if (
      items === undefined ||
      typename !== 'storage' ||
      items.length !== want ||
      !(storageType instanceof PyGlobal) ||
      keyText === undefined ||
      asText(location) === undefined ||
      typeof numel !== 'number'
    ) {
      a.report(
        PICKLE_RULES.torchPersistentId,
        'suspicious',
        `persistent id ${render(pid)} is not a ('storage', type, key, location, numel${legacy ? ', view' : ''}) tuple`,
        site,
      );
      return obj;
    }
    if (!refs.has(keyText)) {
      refs.set(keyText, { key: keyText, storageType: storageType.full, location: asText(location) ?? '', numel });
    }
    return obj;
  };
}
