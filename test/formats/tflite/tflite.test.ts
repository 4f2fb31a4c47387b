/**
 * TensorFlow Lite models built with python3-flatbuffers to the TFLite schema
 * (test/fixtures/generate/tflite.py): Flex ops that run reaching TensorFlow
 * kernels, disguised ones included, are malicious; custom ops outside the
 * stock resolver suspicious; damage never crashes the reader.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../../src/scan/engine.js';
import { scanFile } from '../../../src/scan/scan-file.js';
import { expectations, fixture, rules } from '../../helpers.js';
import { assertNoInternalError, flipsNeverCrash } from '../helpers.js';

const noCrash = assertNoInternalError;

describe('tflite fixtures', () => {
  for (const [name, want] of Object.entries(expectations('tflite'))) {
    it(name, async () => {
      const r = await scanFile(fixture('tflite', name), { displayName: name });
      assert.equal(r.format, 'tflite');
      assert.equal(r.verdict, want.verdict, JSON.stringify(r.findings));
      for (const rule of want.rules) assert.ok(rules(r.findings).includes(rule), `${rule} missing`);
    });
  }
  it('the disguised Flex op is reported by the op its NodeDef runs', async () => {
    const r = await scanFile(fixture('tflite', 'malicious__flex-disguised-write-file.tflite'));
    assert.ok(
      r.findings.some((f) => f.global === 'tensorflow.raw_ops.WriteFile'),
      JSON.stringify(r.findings),
    );
  });
  it('EagerPyFunc is reported once, not also as PyFunc', async () => {
    const r = await scanFile(fixture('tflite', 'malicious__flex-pyfunc.tflite'));
    assert.deepEqual(
      r.findings.filter((f) => f.rule === 'tflite/flex-op').map((f) => f.global),
      ['tensorflow.raw_ops.EagerPyFunc'],
    );
  });
});

describe('damaged models', () => {
  const names = readdirSync(fixture('tflite')).filter((n) => n.endsWith('.tflite'));
  it('cut at every offset: never a crash; a cut malicious model is never clean', async () => {
    for (const n of names) {
      const bytes = new Uint8Array(readFileSync(fixture('tflite', n)));
      for (let k = 1; k < bytes.length; k++) {
        const r = await scanBuffer(bytes.subarray(0, k), n);
        noCrash(r, `${n} cut at ${k}`);
        if (n.startsWith('malicious__')) assert.notEqual(r.verdict, 'clean', `${n} cut at ${k}`);
      }
    }
  });
  it('random byte changes never crash the reader', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('tflite', 'malicious__flex-read-file.tflite')));
    await flipsNeverCrash(bytes, 'flipped.tflite', { runs: 300, slowRuns: 3000, seed: 4242 });
  });
  it('a vector claiming 2^32-1 entries is refused without reading them', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('tflite', 'clean__builtin-ops.tflite')));
    // Every u32 that equals the operator count (3) could be that vector's length; set each in turn.
    let tried = 0;
    for (let i = 8; i + 4 <= bytes.length; i += 4) {
      if (bytes[i] !== 3 || bytes[i + 1] !== 0 || bytes[i + 2] !== 0 || bytes[i + 3] !== 0) continue;
      const m = bytes.slice();
      m.set([0xff, 0xff, 0xff, 0xff], i);
      const r = await scanBuffer(m, 'huge.tflite');
      noCrash(r, `length at ${i}`);
      tried++;
    }
    assert.ok(tried > 0);
  });
});

describe('sniffing', () => {
  it('other formats are not taken for TFLite', async () => {
    for (const [dir, n] of [
      ['onnx', 'clean__mlp.onnx'],
      ['tensorflow', 'clean__frozen-graph.pb'],
      ['sentencepiece', 'clean__bpe-identity.model'],
      ['pickle', 'clean__plain-data-protocol4.pkl'],
    ]) {
      const r = await scanFile(fixture(dir as string, n as string));
      assert.notEqual(r.format, 'tflite', n);
    }
  });
});
