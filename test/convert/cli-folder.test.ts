/**
 * The CLI end to end (no process: `main` with injected streams), Hugging
 * Face folders (single and sharded) and NumPy .npz files.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/dispatch.js';
import type { CliIO } from '../../src/cli/command.js';
import { convert } from '../../src/convert/index.js';
import { EXPECTED, fixture, listFiles, readOutput, tempDir } from './helpers/env.js';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const io: CliIO = { stdout, stderr, stdin: new PassThrough(), env: {}, cwd: process.cwd() };
  const code = await main(['convert', ...args], io);
  return { code, out, err };
}

describe('modelguard convert', () => {
  it('exit 0 and a report for a clean checkpoint, with --verify', async (t) => {
    const dir = tempDir(t);
    const r = await cli([fixture('tied.pt'), join(dir, 'o.safetensors'), '--verify']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /tied: lm_head\.weight -> embed\.weight/);
    assert.match(r.out, /verified: 5 tensors/);
  });
  it('exit 1 for malicious input, with the scan finding on stderr; --allow-malicious converts', async (t) => {
    const dir = tempDir(t);
    const r = await cli([fixture('malicious__zip-os-system.pt'), join(dir, 'o.safetensors')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /E_CONVERT_REFUSED/);
    assert.match(r.err, /pickle\/dangerous-global/);
    assert.deepEqual(listFiles(dir), []);
    const ok = await cli([fixture('malicious__zip-os-system.pt'), join(dir, 'o.safetensors'), '--allow-malicious', '--json']);
    assert.equal(ok.code, 0);
    const report = JSON.parse(ok.out) as { leftBehind: { where: string }[]; tensors: number };
    assert.equal(report.tensors, 2);
    assert.ok(report.leftBehind.some((l) => l.where === 'hook'));
  });
  it('exit 2 for usage errors and unsupported input', async (t) => {
    const dir = tempDir(t);
    assert.equal((await cli([fixture('tied.pt')])).code, 2);
    assert.equal((await cli([fixture('tied.pt'), join(dir, 'o'), '--dtype', 'int8'])).code, 2);
    assert.equal((await cli([fixture('unsupported__sparse.pt'), join(dir, 'o')])).code, 2);
    assert.equal((await cli([fixture('expected.json'), join(dir, 'o')])).code, 2);
    assert.deepEqual(listFiles(dir), []);
  });
});

describe('Hugging Face folders', () => {
  it('pytorch_model.bin -> model.safetensors; config copied; training_args.bin (a pickle) left behind', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'out');
    const r = await convert(fixture('hf-single'), out, { verify: true });
    assert.deepEqual(listFiles(out).sort(), ['config.json', 'model.safetensors']);
    const { hashes, file } = readOutput(join(out, 'model.safetensors'));
    const exp = EXPECTED['hf-single']?.tensors ?? {};
    for (const [n, h] of Object.entries(hashes)) assert.equal(h, exp[n]?.sha256, n);
    assert.equal(file.metadata?.['lm_head.weight'], 'embed.weight');
    assert.ok(r.leftBehind.some((l) => l.where === 'training_args.bin'));
  });

  it('sharded: every shard converted, index rewritten with renamed files and recomputed total_size', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'out');
    await convert(fixture('hf-sharded'), out, { verify: true });
    assert.deepEqual(listFiles(out).sort(), [
      'config.json',
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
      'model.safetensors.index.json',
      'tokenizer',
    ]);
    assert.ok(existsSync(join(out, 'tokenizer/vocab.txt')));
    const index = JSON.parse(readFileSync(join(out, 'model.safetensors.index.json'), 'utf8')) as {
      metadata: { total_size: number };
      weight_map: Record<string, string>;
    };
    const exp = EXPECTED['hf-sharded']?.tensors ?? {};
    let total = 0;
    for (const [name, file] of Object.entries(index.weight_map)) {
      const { hashes, file: f } = readOutput(join(out, file));
      assert.equal(hashes[name], exp[name]?.sha256, name);
      total += f.tensors.find((e) => e.name === name)?.byteLength ?? 0;
    }
    assert.equal(index.metadata.total_size, total);
    assert.equal(Object.keys(index.weight_map).length, Object.keys(exp).length);
  });

  it('an index naming a file outside the folder is refused and nothing is left', async (t) => {
    const { mkdirSync, writeFileSync, copyFileSync } = await import('node:fs');
    const dir = tempDir(t);
    const input = join(dir, 'in');
    mkdirSync(input);
    copyFileSync(fixture('hf-sharded/pytorch_model-00001-of-00002.bin'), join(input, 'pytorch_model-00001-of-00002.bin'));
    writeFileSync(join(input, 'pytorch_model.bin.index.json'), JSON.stringify({ weight_map: { a: '../../etc/passwd' } }));
    await assert.rejects(convert(input, join(dir, 'out')), { code: 'E_MALFORMED' });
    assert.deepEqual(listFiles(dir), ['in']);
  });
});

describe('NumPy .npz', () => {
  for (const name of ['arrays.npz', 'arrays-compressed.npz']) {
    it(`${name}: every array (C and Fortran order, stored or deflated) matches numpy's bytes`, async (t) => {
      const dir = tempDir(t);
      const out = join(dir, 'a.safetensors');
      await convert(fixture(name), out, { verify: true });
      const { hashes, file } = readOutput(out);
      const exp = EXPECTED[name]?.tensors ?? {};
      assert.deepEqual(Object.keys(hashes).sort(), Object.keys(exp).sort());
      for (const [n, h] of Object.entries(hashes)) assert.equal(h, exp[n]?.sha256, n);
      assert.deepEqual(file.tensors.find((e) => e.name === 'fortran')?.shape, [3, 5]);
    });
  }
});
