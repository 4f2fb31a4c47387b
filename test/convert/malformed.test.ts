/**
 * Hostile checkpoints built byte by byte: one `describe` per attack, the
 * specific error code asserted, and no output file left behind.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BufferSource } from '../../src/bytes/source.js';
import { convertCheckpoint } from '../../src/convert/convert.js';
import { ConvertError } from '../../src/convert/errors.js';
import { loadCheckpoint } from '../../src/convert/load/checkpoint.js';
import { P, floats, statePickle, torchZip, type TensorSpec } from './helpers/craft.js';
import { listFiles, tempDir } from './helpers/env.js';

const W: TensorSpec = { name: 'w', key: '0', numel: 4, shape: [2, 2], stride: [2, 1] };

function load(bytes: Uint8Array): ReturnType<typeof loadCheckpoint> {
  return loadCheckpoint(new BufferSource(bytes));
}

function expectCode(bytes: Uint8Array, code: string, tensor?: string): void {
  assert.throws(
    () => load(bytes),
    (e: unknown) => {
      assert.ok(e instanceof ConvertError, String(e));
      assert.equal(e.code, code, e.message);
      if (tensor !== undefined) assert.equal(e.tensor, tensor);
      return true;
    },
  );
}

async function expectNoOutput(t: { after: (fn: () => void) => void }, bytes: Uint8Array, code: string): Promise<void> {
  const dir = tempDir(t);
  const input = join(dir, 'in.pt');
  writeFileSync(input, bytes);
  await assert.rejects(convertCheckpoint(input, join(dir, 'out.safetensors')), { code });
  assert.deepEqual(listFiles(dir), ['in.pt']);
}

describe('baseline: the crafted checkpoint loads', () => {
  it('reads one tensor', () => {
    const ck = load(torchZip(statePickle([W]), { '0': floats(1, 2, 3, 4) }));
    assert.equal(ck.tensors.length, 1);
    assert.equal(ck.tensors[0]?.name, 'w');
  });
});

describe('storage claims more bytes than its record has', () => {
  it('is E_CONVERT_STORAGE_BOUNDS naming the tensor, with no output', async (t) => {
    const bytes = torchZip(statePickle([{ ...W, numel: 1000 }]), { '0': floats(1, 2, 3, 4) });
    expectCode(bytes, 'E_CONVERT_STORAGE_BOUNDS', 'w');
    await expectNoOutput(t, bytes, 'E_CONVERT_STORAGE_BOUNDS');
  });
});

describe('storage record missing', () => {
  it('is E_CONVERT_STORAGE_BOUNDS naming the tensor', () => {
    expectCode(torchZip(statePickle([W]), {}), 'E_CONVERT_STORAGE_BOUNDS', 'w');
  });
});

describe('offset or strides past the end of the storage', () => {
  it('storage offset past the end', () => {
    expectCode(torchZip(statePickle([{ ...W, offset: 3 }]), { '0': floats(1, 2, 3, 4) }), 'E_CONVERT_STORAGE_BOUNDS', 'w');
  });
  it('a stride that reaches past the storage', () => {
    expectCode(torchZip(statePickle([{ ...W, stride: [4, 1] }]), { '0': floats(1, 2, 3, 4) }), 'E_CONVERT_STORAGE_BOUNDS', 'w');
  });
  it('a negative size', () => {
    expectCode(torchZip(statePickle([{ ...W, shape: [-2, 2] }]), { '0': floats(1, 2, 3, 4) }), 'E_CONVERT_STORAGE_BOUNDS', 'w');
  });
});

describe('dtype x shape product overflows', () => {
  it('is E_CONVERT_STORAGE_BOUNDS, fast, without allocating', () => {
    const started = performance.now();
    expectCode(
      torchZip(statePickle([{ ...W, shape: [2n ** 40n, 2n ** 40n], stride: [2n ** 40n, 1] }]), { '0': floats(1, 2, 3, 4) }),
      'E_CONVERT_STORAGE_BOUNDS',
      'w',
    );
    assert.ok(performance.now() - started < 1000);
  });
  it('a storage declaring 2^60 elements is refused before any read', () => {
    expectCode(torchZip(statePickle([{ ...W, numel: 2n ** 60n }]), { '0': floats(1, 2, 3, 4) }), 'E_CONVERT_PICKLE');
  });
});

describe('compressed storage records', () => {
  it('is E_CONVERT_COMPRESSED naming the tensor, with no output', async (t) => {
    const bytes = torchZip(statePickle([W]), { '0': floats(1, 2, 3, 4) }, { deflateStorages: true });
    expectCode(bytes, 'E_CONVERT_COMPRESSED', 'w');
    await expectNoOutput(t, bytes, 'E_CONVERT_COMPRESSED');
  });
});

describe('globals outside the weights-only set', () => {
  const evil = (p: P): void => {
    p.str('x').global('os', 'system').mark().str('id').tuple().reduce();
  };
  it('stops the load naming the global', () => {
    assert.throws(
      () => load(torchZip(statePickle([W], evil), { '0': floats(1, 2, 3, 4) })),
      (e: unknown) => {
        assert.ok(e instanceof ConvertError);
        assert.equal(e.code, 'E_CONVERT_FOREIGN_GLOBAL');
        assert.equal(e.global, 'os.system');
        return true;
      },
    );
  });
  it('salvage leaves it behind and keeps the tensors', () => {
    const ck = loadCheckpoint(new BufferSource(torchZip(statePickle([W], evil), { '0': floats(1, 2, 3, 4) })), { salvage: true });
    assert.equal(ck.tensors.length, 1);
    assert.ok(ck.leftBehind.some((l) => l.where === 'x' && l.what.startsWith('os.system')));
  });
  it('an allowed global used the wrong way (a storage class called)', () => {
    const bad = (p: P): void => {
      p.str('x').global('torch', 'FloatStorage').emptyTuple().reduce();
    };
    expectCode(torchZip(statePickle([W], bad), { '0': floats(1, 2, 3, 4) }), 'E_CONVERT_FOREIGN_GLOBAL');
  });
});

describe('pickle opcodes no checkpoint writer emits', () => {
  it('EXT1 is E_CONVERT_PICKLE', () => {
    const pk = new P().proto().ext1(1).stop().done();
    expectCode(torchZip(pk, {}), 'E_CONVERT_PICKLE');
  });
  it('a truncated data.pkl is E_TRUNCATED', () => {
    const pk = statePickle([W]);
    assert.throws(() => load(torchZip(pk.subarray(0, pk.length - 5), { '0': floats(1, 2, 3, 4) })), { code: 'E_TRUNCATED' });
  });
  it('a persistent id that is not a storage tuple', () => {
    const pk = new P().proto().mark().str('module').str('x').tuple().binpersid().stop().done();
    expectCode(torchZip(pk, {}), 'E_CONVERT_PICKLE');
  });
  it('a rebuild call with the wrong number of arguments', () => {
    const pk = new P().proto().global('torch._utils', '_rebuild_tensor_v2').mark().int(1).tuple().reduce().stop().done();
    expectCode(torchZip(pk, {}), 'E_CONVERT_PICKLE');
  });
});

describe('legacy format: storage records past the end of the file', () => {
  it('a storage whose count runs past the end is E_CONVERT_STORAGE_BOUNDS naming the tensor', () => {
    const magic = new P().proto().int(0x1950a86a20f9469cfc6cn).stop().done();
    const version = new P().proto().int(1001).stop().done();
    const sys = new P().proto().emptyDict().str('little_endian').bytesTrue().setitem().stop().done();
    const tree = new P().proto().emptyDict().str('w').global('torch._utils', '_rebuild_tensor_v2').mark();
    tree.mark().str('storage').global('torch', 'FloatStorage').str('k').str('cpu').int(4).noneValue().tuple().binpersid();
    tree.int(0).ints([4]).ints([1]).false().global('collections', 'OrderedDict').emptyTuple().reduce().tuple().reduce().setitem().stop();
    const keys = new P().proto().mark().str('k').listEnd().stop().done();
    const count = new Uint8Array(8);
    new DataView(count.buffer).setBigInt64(0, 1000n, true);
    const bytes = concat(magic, version, sys, tree.done(), keys, count, floats(1, 2, 3, 4));
    expectCode(bytes, 'E_CONVERT_STORAGE_BOUNDS', 'w');
    const ok = concat(
      magic,
      version,
      sys,
      tree.done(),
      keys,
      (() => {
        const c = new Uint8Array(8);
        new DataView(c.buffer).setBigInt64(0, 4n, true);
        return c;
      })(),
      floats(1, 2, 3, 4),
    );
    assert.equal(load(ok).tensors[0]?.layout.nbytes, 16);
  });
});

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
