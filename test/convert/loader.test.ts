/** The library loader: object tree, tensor geometry and lazy bytes. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FileSource } from '../../src/bytes/source.js';
import { loadCheckpoint, openCheckpoint, tensorBytes } from '../../src/convert/load/checkpoint.js';
import type { CkValue } from '../../src/convert/load/tree.js';
import { EXPECTED, fixture, sha256 } from './helpers/env.js';

function get(v: CkValue, key: string): CkValue | undefined {
  if (v === null || typeof v !== 'object' || v.kind !== 'dict') return undefined;
  return v.entries.find(([k]) => k === key)?.[1];
}

describe('openCheckpoint', () => {
  it('rebuilds the object tree of nested containers', async () => {
    const ck = await openCheckpoint(fixture('nested.pt'));
    try {
      assert.equal(ck.scan?.verdict, 'clean');
      const meta = get(ck.root, 'meta');
      assert.equal(get(meta as CkValue, 'epoch'), 3);
      assert.equal(get(meta as CkValue, 'lr'), 0.1);
      assert.equal(get(meta as CkValue, 'name'), 'run-1');
      assert.equal(get(meta as CkValue, 'none'), null);
      assert.equal(get(meta as CkValue, 'flag'), true);
      assert.deepEqual(get(meta as CkValue, 'bytes'), { kind: 'bytes', length: 3, data: Uint8Array.from([0, 1, 255]) });
      assert.deepEqual(get(meta as CkValue, 'size'), { kind: 'tuple', items: [2, 3] });
      assert.deepEqual(get(meta as CkValue, 'device'), { kind: 'torch', what: 'device', value: 'cpu' });
      assert.deepEqual(get(meta as CkValue, 'dtype'), { kind: 'torch', what: 'dtype', value: 'float16' });
      assert.deepEqual(get(meta as CkValue, 'set'), { kind: 'set', frozen: false, items: [1, 2, 3] });
      assert.deepEqual(get(meta as CkValue, 'complex'), { kind: 'complex', re: 1, im: 2 });
      const model = get(ck.root, 'model');
      assert.ok(model !== null && typeof model === 'object' && model.kind === 'dict' && model.ordered);
    } finally {
      ck.close();
    }
  });

  it('gives each tensor its path, dtype, shape, strides, offset and file location', async () => {
    const ck = await openCheckpoint(fixture('views.pt'));
    try {
      const byName = new Map(ck.tensors.map((t) => [t.name, t]));
      const tr = byName.get('transposed');
      assert.ok(tr !== undefined);
      assert.deepEqual(tr.tensor.shape, [10, 6]);
      assert.deepEqual(tr.tensor.strides, [1, 10]);
      assert.equal(tr.layout.contiguous, false);
      assert.equal(tr.tensor.dtype.name, 'float32');
      const narrow = byName.get('narrow');
      assert.equal(narrow?.tensor.storageOffset, 12);
      assert.equal(byName.get('expanded')?.tensor.strides[1], 0);
      const m = byName.get('matrix');
      assert.ok(m !== undefined && m.layout.contiguous);
      // The lazy view is a file offset: reading there gives the tensor's bytes.
      const raw = ck.source.read(m.fileOffset, m.layout.nbytes);
      assert.equal(sha256(raw), EXPECTED['views.pt']?.tensors['matrix']?.sha256);
      for (const t of ck.tensors) assert.equal(sha256(tensorBytes(ck, t)), EXPECTED['views.pt']?.tensors[t.name]?.sha256, t.name);
    } finally {
      ck.close();
    }
  });

  it('marks parameters and reads optimizer state', () => {
    const ck = loadCheckpoint(new FileSource(fixture('optimizer.pt')));
    try {
      const scale = ck.tensors.find((t) => t.name === 'params.scale');
      assert.equal(scale?.tensor.parameter, true);
      assert.ok(ck.tensors.some((t) => t.name === 'optimizer.state.0.exp_avg'));
      const groups = get(get(ck.root, 'optimizer') as CkValue, 'param_groups');
      assert.ok(groups !== null && typeof groups === 'object' && groups.kind === 'list');
    } finally {
      ck.close();
    }
  });

  it('reads the legacy format to the same tensors as the zip format', () => {
    const a = loadCheckpoint(new FileSource(fixture('views.pt')));
    const b = loadCheckpoint(new FileSource(fixture('views-legacy.pt')));
    try {
      assert.equal(b.format, 'torch-legacy');
      assert.deepEqual(
        b.tensors.map((t) => [t.name, sha256(tensorBytes(b, t))]),
        a.tensors.map((t) => [t.name, sha256(tensorBytes(a, t))]),
      );
    } finally {
      a.close();
      b.close();
    }
  });

  it('refuses TorchScript archives and non-checkpoints', () => {
    assert.throws(() => loadCheckpoint(new FileSource(fixture('arrays.npz'))), { code: 'E_CONVERT_FORMAT' });
    assert.throws(() => loadCheckpoint(new FileSource(fixture('expected.json'))), { code: 'E_CONVERT_FORMAT' });
  });
});
