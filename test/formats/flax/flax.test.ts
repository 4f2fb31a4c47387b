/**
 * Flax msgpack checkpoints (written with python3-msgpack as
 * flax.serialization.to_bytes does): clean ones are walked whole; broken
 * arrays, cuts, flips, count lies and nesting bombs are never clean and
 * never crash; other formats are not taken for msgpack.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../../src/scan/engine.js';
import { scanFile } from '../../../src/scan/scan-file.js';
import { fixture, rules } from '../../helpers.js';
import { assertNoInternalError, flipsNeverCrash } from '../helpers.js';

const noCrash = assertNoInternalError;
const expected = JSON.parse(readFileSync(fixture('flax', 'expected.json'), 'utf8')) as Record<string, string>;

describe('flax fixtures', () => {
  for (const [name, verdict] of Object.entries(expected)) {
    it(`${name} is ${verdict}`, async () => {
      const r = await scanFile(fixture('flax', name), { displayName: name });
      assert.equal(r.format, 'flax-msgpack');
      assert.equal(r.verdict, verdict, JSON.stringify(r.findings));
    });
  }
  it('every array of the state dict is counted (shapes from the generator)', async () => {
    const r = await scanFile(fixture('flax', 'clean__params.msgpack'));
    // kernel 4x8, bias 8, embedding 16x4, LayerNorm 8+8, BatchNorm 3+3, step, complex scalar, an empty 0x3.
    assert.equal(r.info['flax.elements'], 32 + 8 + 64 + 8 + 8 + 3 + 3 + 1 + 1 + 0);
  });
});

describe('damaged checkpoints', () => {
  const bytes = new Uint8Array(readFileSync(fixture('flax', 'clean__params.msgpack')));
  it('cut at every offset: never clean, never a crash', async () => {
    for (let n = 1; n < bytes.length; n++) {
      const r = await scanBuffer(bytes.subarray(0, n), 'cut.msgpack');
      noCrash(r, `cut at ${n}`);
      assert.notEqual(r.verdict, 'clean', `cut at ${n} is clean as ${r.format}`);
    }
  });
  it('random byte changes never crash the reader', async () => {
    await flipsNeverCrash(bytes, 'flipped.msgpack', { runs: 300, slowRuns: 3000, seed: 77 });
  });
  it('a map claiming 2^32-1 entries is refused before looping', async () => {
    const r = await scanBuffer(Uint8Array.from([0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, 0x61, 0x80]), 'lie.msgpack');
    assert.notEqual(r.verdict, 'clean');
    noCrash(r, 'count lie');
  });
  it('maps nested 10,000 deep are a limit, not a stack overflow', async () => {
    const deep = new Uint8Array(10_000 * 3 + 1);
    for (let i = 0; i < 10_000; i++) deep.set([0x81, 0xa1, 0x61], i * 3);
    deep[deep.length - 1] = 0x80;
    const r = await scanBuffer(deep, 'deep.msgpack');
    assert.equal(r.verdict, 'unscannable');
    assert.ok(rules(r.findings).includes('engine/limit'), JSON.stringify(r.findings));
  });
});

describe('sniffing', () => {
  it('other formats are not taken for a Flax checkpoint', async () => {
    for (const [dir, n] of [
      ['pickle', 'clean__plain-data-protocol2.pkl'],
      ['safetensors', 'clean__small-model.safetensors'],
      ['onnx', 'clean__mlp.onnx'],
      ['sentencepiece', 'clean__bpe-identity.model'],
      ['tflite', 'clean__builtin-ops.tflite'],
    ]) {
      const r = await scanFile(fixture(dir as string, n as string));
      assert.ok(!rules(r.findings).includes('engine/io-error'), n);
      assert.notEqual(r.format, 'flax-msgpack', n);
    }
  });
});
