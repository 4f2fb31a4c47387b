/**
 * Converts fixtures written by real PyTorch 1.13 (and a torch 2.x-style
 * float8 archive) and checks every tensor's bytes against the SHA-256 the
 * generator recorded from torch itself.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { convertCheckpoint } from '../../src/convert/convert.js';
import { ConvertError } from '../../src/convert/errors.js';
import { EXPECTED, fixture, listFiles, readOutput, tempDir } from './helpers/env.js';

const PLAIN = [
  'dtypes.pt',
  'dtypes-legacy.pt',
  'views.pt',
  'views-legacy.pt',
  'nested.pt',
  'optimizer.pt',
  'cast.pt',
  'float8-torch2.pt',
  'tied.pt',
  // torch.save(model): named as model.state_dict() names them (recorded by the generator).
  'whole-module.pt',
  'whole-module-legacy.pt',
  // Lightning-style: PurePosixPath, Namespace, Counter, defaultdict beside the weights (the scan vouches for them).
  'lightning-style.ckpt',
];

describe('converting real checkpoints', () => {
  for (const name of PLAIN) {
    it(`${name}: every tensor matches torch's bytes`, async (t) => {
      const dir = tempDir(t);
      const out = join(dir, 'out.safetensors');
      const salvage = name.startsWith('dtypes'); // complex128 has no safetensors dtype
      const report = await convertCheckpoint(fixture(name), out, { verify: true, salvage, shared: 'copy' });
      const { hashes, file } = readOutput(out);
      const expected = EXPECTED[name]?.tensors ?? {};
      const want = Object.keys(expected).filter((n) => !(salvage && expected[n]?.dtype === 'complex128'));
      assert.deepEqual(Object.keys(hashes).sort(), want.sort());
      for (const n of want) assert.equal(hashes[n], expected[n]?.sha256, n);
      for (const e of file.tensors) assert.deepEqual(e.shape, expected[e.name]?.shape, e.name);
      assert.equal(report.verified?.tensors, want.length);
      assert.equal(file.metadata?.['format'], 'pt');
    });
  }

  it('leaves the plain-Python objects of a clean checkpoint behind and says so', async (t) => {
    const dir = tempDir(t);
    const report = await convertCheckpoint(fixture('lightning-style.ckpt'), join(dir, 'o.safetensors'));
    const left = report.leftBehind.map((l) => l.what).join(' ');
    for (const g of ['pathlib.PurePosixPath', 'argparse.Namespace']) assert.ok(left.includes(g), left);
  });

  it('writes every dtype under its safetensors name', async (t) => {
    const dir = tempDir(t);
    await convertCheckpoint(fixture('dtypes.pt'), join(dir, 'a.safetensors'), { salvage: true });
    await convertCheckpoint(fixture('float8-torch2.pt'), join(dir, 'b.safetensors'));
    const dtypes = Object.fromEntries(
      [...readOutput(join(dir, 'a.safetensors')).file.tensors, ...readOutput(join(dir, 'b.safetensors')).file.tensors].map((e) => [e.name, e.dtype]),
    );
    assert.deepEqual(dtypes, {
      f64: 'F64',
      f32: 'F32',
      f16: 'F16',
      bf16: 'BF16',
      i8: 'I8',
      i16: 'I16',
      i32: 'I32',
      i64: 'I64',
      u8: 'U8',
      bool: 'BOOL',
      c64: 'C64',
      f8_e4m3: 'F8_E4M3',
      f8_e5m2: 'F8_E5M2',
      f8_e4m3fnuz: 'F8_E4M3FNUZ',
      f8_e5m2fnuz: 'F8_E5M2FNUZ',
      u16: 'U16',
      u32: 'U32',
      u64: 'U64',
      f8_e4m3_t: 'F8_E4M3',
    });
  });

  it('refuses complex128 (no safetensors dtype) naming the tensor, and writes nothing', async (t) => {
    const dir = tempDir(t);
    await assert.rejects(convertCheckpoint(fixture('dtypes.pt'), join(dir, 'x.safetensors')), (e: unknown) => {
      assert.ok(e instanceof ConvertError);
      assert.equal(e.code, 'E_CONVERT_UNSUPPORTED_TENSOR');
      assert.equal(e.tensor, 'c128');
      return true;
    });
    assert.deepEqual(listFiles(dir), []);
  });

  for (const [name, tensor] of [
    ['unsupported__quantized.pt', 'qweight'],
    ['unsupported__sparse.pt', 'sparse'],
  ] as const) {
    it(`${name}: not supported, naming '${tensor}'; salvage converts the rest`, async (t) => {
      const dir = tempDir(t);
      await assert.rejects(convertCheckpoint(fixture(name), join(dir, 'x.safetensors')), (e: unknown) => {
        assert.ok(e instanceof ConvertError);
        assert.equal(e.code, 'E_CONVERT_UNSUPPORTED_TENSOR');
        assert.equal(e.tensor, tensor);
        return true;
      });
      assert.deepEqual(listFiles(dir), []);
      const r = await convertCheckpoint(fixture(name), join(dir, 'y.safetensors'), { salvage: true, verify: true });
      assert.deepEqual(Object.keys(readOutput(join(dir, 'y.safetensors')).hashes), ['weight']);
      assert.ok(r.leftBehind.some((l) => l.where === tensor));
    });
  }

  for (const target of ['F64', 'F32', 'F16', 'BF16'] as const) {
    it(`--dtype ${target} matches tensor.to(${target}) byte for byte`, async (t) => {
      const dir = tempDir(t);
      const out = join(dir, 'c.safetensors');
      await convertCheckpoint(fixture('cast.pt'), out, { dtype: target, verify: true });
      const { hashes, file } = readOutput(out);
      assert.deepEqual(hashes, EXPECTED['cast.pt']?.cast?.[target]);
      assert.ok(file.tensors.every((e) => e.dtype === target));
    });
  }

  it('--dtype leaves integer and bool tensors alone', async (t) => {
    const dir = tempDir(t);
    const r = await convertCheckpoint(fixture('dtypes.pt'), join(dir, 'c.safetensors'), { dtype: 'F16', salvage: true });
    const { file, hashes } = readOutput(join(dir, 'c.safetensors'));
    const byName = Object.fromEntries(file.tensors.map((e) => [e.name, e.dtype]));
    assert.equal(byName['i64'], 'I64');
    assert.equal(byName['f64'], 'F16');
    assert.equal(hashes['u8'], EXPECTED['dtypes.pt']?.tensors['u8']?.sha256);
    assert.equal(r.cast, 3);
  });
});

describe('tied weights', () => {
  it('dedupe: exact aliases are dropped and recorded as Hugging Face does; differing views are copied', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 't.safetensors');
    const r = await convertCheckpoint(fixture('tied.pt'), out, { verify: true });
    const { file, hashes } = readOutput(out);
    assert.deepEqual(r.aliases, [{ name: 'lm_head.weight', kept: 'embed.weight' }]);
    assert.deepEqual(file.metadata, { format: 'pt', 'lm_head.weight': 'embed.weight' });
    assert.ok(!('lm_head.weight' in hashes));
    for (const n of ['embed.weight', 'proj.weight', 'proj.first_row', 'proj.weight_t', 'proj.bias'])
      assert.equal(hashes[n], EXPECTED['tied.pt']?.tensors[n]?.sha256, n);
    assert.deepEqual(r.sharedCopies, [['proj.first_row', 'proj.weight', 'proj.weight_t']]);
  });

  it('copy: every name is written in full', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 't.safetensors');
    await convertCheckpoint(fixture('tied.pt'), out, { shared: 'copy' });
    const { file, hashes } = readOutput(out);
    assert.equal(hashes['lm_head.weight'], hashes['embed.weight']);
    assert.deepEqual(file.metadata, { format: 'pt' });
  });
});

describe('selection and naming', () => {
  it('--key selects a subtree and strips its prefix; other values are counted as left out', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'k.safetensors');
    const all = await convertCheckpoint(fixture('optimizer.pt'), join(dir, 'all.safetensors'));
    assert.ok(all.nonTensorValues > 0);
    await convertCheckpoint(fixture('optimizer.pt'), out, { key: 'model' });
    assert.deepEqual(Object.keys(readOutput(out).hashes).sort(), ['0.bias', '0.weight', '2.bias', '2.weight']);
    await assert.rejects(convertCheckpoint(fixture('optimizer.pt'), join(dir, 'none.safetensors'), { key: 'nope' }), { code: 'E_USAGE' });
  });

  it('names nested containers by their path (lists by index, int keys as numbers)', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'n.safetensors');
    await convertCheckpoint(fixture('nested.pt'), out);
    assert.deepEqual(Object.keys(readOutput(out).hashes).sort(), ['by_int.0', 'list.0', 'list.1.0', 'list.1.1.deep', 'model.a.bias', 'model.a.weight']);
  });

  it('refuses to overwrite without overwrite, and leaves no temporary file', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'o.safetensors');
    await convertCheckpoint(fixture('nested.pt'), out);
    await assert.rejects(convertCheckpoint(fixture('nested.pt'), out), { code: 'E_CONVERT_OUTPUT' });
    await convertCheckpoint(fixture('nested.pt'), out, { overwrite: true });
    assert.deepEqual(listFiles(dir), ['o.safetensors']);
  });
});
