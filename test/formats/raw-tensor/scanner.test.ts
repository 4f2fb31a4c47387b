/**
 * Headerless arrays of numbers (scripts/benign-precision/generate.py:
 * numpy's ndarray.tofile, ONNX external data): clean as numbers alone,
 * credited to their model in a folder; bytes that are not numbers, or that
 * a pickle loader would act on, are not.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanPaths } from '../../../src/scan/directory.js';
import { scanFile } from '../../../src/scan/scan-file.js';
import type { ByteSource } from '../../../src/bytes/source.js';
import { concat, flipsNeverCrash, has, ROOT, scanBytes, scanSrc, SparseSource, text, u64le } from '../helpers.js';

const SET = join(ROOT, 'test', 'fixtures', 'benign-precision');
const RAW = join(SET, 'raw');

/** A seeded generator of uniform bytes (what no number type reads as). */
function noise(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('tofile dumps', () => {
  const types: Record<string, string> = {
    'embeddings.f32.bin': 'float32',
    'weights-fp16.bin': 'float16',
    'vectors.f64': 'float64',
    'ids.int64.bin': 'int64',
    'vectors.bin': 'float32',
  };
  it('the set holds every dump', () => {
    assert.deepEqual(readdirSync(RAW).sort(), Object.keys(types).sort());
  });
  for (const [name, type] of Object.entries(types)) {
    it(`${name} is clean, read as ${type} values`, async () => {
      const r = await scanFile(join(RAW, name));
      assert.equal(r.verdict, 'clean', JSON.stringify(r.findings));
      assert.equal(r.format, 'raw-numbers');
      const f = r.findings.find((x) => x.rule === 'raw/numbers');
      assert.ok(f?.message.includes(` ${type} values`), f?.message);
    });
  }
});

describe('bytes that are not one array of numbers', () => {
  it('uniform noise stays unscannable', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = await scanBytes(noise(8192, seed), 'x.bin');
      assert.equal(r.verdict, 'unscannable', `seed ${seed}`);
      assert.ok(has(r, 'engine/unknown-format'));
    }
  });
  it('a float32 dump with noise in its middle is not claimed', async () => {
    const good = new Uint8Array(readFileSync(join(RAW, 'vectors.bin')));
    const r = await scanBytes(concat(good, noise(8192, 9), good), 'x.bin');
    assert.equal(r.verdict, 'unscannable');
  });
  it('a dump one byte longer than a whole number of elements is not claimed', async () => {
    const good = new Uint8Array(readFileSync(join(RAW, 'embeddings.f32.bin')));
    const r = await scanBytes(concat(good, [0]), 'x.bin');
    assert.notEqual(r.format, 'raw-numbers');
  });
  it('too few elements to tell are not claimed', async () => {
    const r = await scanBytes(new Uint8Array(new Float32Array([0.5, -0.25, 0.125]).buffer), 'x.bin');
    assert.notEqual(r.format, 'raw-numbers');
  });
});

describe('numbers behind a pickle', () => {
  it('a pickle that calls os.system, followed by float32 values, is malicious', async () => {
    const pickle = concat([0x80, 0x02], text('cos\nsystem\n'), text('X'), [2, 0, 0, 0], text('id'), [0x85, 0x52, 0x2e]);
    const floats = new Uint8Array(readFileSync(join(RAW, 'embeddings.f32.bin')));
    const r = await scanBytes(concat(pickle, floats), 'pytorch_model.bin');
    assert.equal(r.verdict, 'malicious');
  });
});

describe('external data named by an ONNX model', () => {
  it('is clean alone as numbers, and credited to its model in a folder scan', async () => {
    const alone = await scanFile(join(SET, 'onnx-weights-bin', 'weights.bin'));
    assert.equal(alone.verdict, 'clean');
    assert.equal(alone.format, 'raw-numbers');
    const r = await scanPaths([join(SET, 'onnx-weights-bin')], { jobs: 1 });
    const data = r.files.find((f) => f.path.endsWith('weights.bin'));
    assert.equal(data?.format, 'onnx-external-data');
    assert.equal(data.verdict, 'clean');
  });
  it('a named data file that is a pickle keeps its pickle verdict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-raw-'));
    try {
      cpSync(join(SET, 'onnx-weights-bin'), dir, { recursive: true });
      writeFileSync(join(dir, 'weights.bin'), concat([0x80, 0x02], text('cos\nsystem\n'), text('X'), [2, 0, 0, 0], text('id'), [0x85, 0x52, 0x2e]));
      const r = await scanPaths([dir], { jobs: 1 });
      const data = r.files.find((f) => f.path.endsWith('weights.bin'));
      assert.equal(data?.verdict, 'malicious');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A source of `size` bytes of float32 0.5, -0.25, 0.125... that records its reads. */
class FloatSource implements ByteSource {
  readonly size: number;
  maxRead = 0;
  totalRead = 0;
  constructor(size: number) {
    this.size = size;
  }
  read(offset: number, length: number): Uint8Array {
    this.maxRead = Math.max(this.maxRead, length);
    this.totalRead += length;
    const out = new Uint8Array(length);
    const dv = new DataView(out.buffer);
    for (let i = 0; i < length; i++) {
      const at = offset + i;
      const word = new DataView(new Float32Array([(((Math.floor(at / 4) % 7) + 1) / 8) * (at % 8 < 4 ? 1 : -1)]).buffer);
      dv.setUint8(i, word.getUint8(at % 4));
    }
    return out;
  }
  close(): void {}
}

describe('bounded reads', () => {
  it('a 4 GiB file of float32 values is judged from samples, never read whole', async () => {
    const src = new FloatSource(4 * 2 ** 30);
    const r = await scanSrc(src, 'big.bin');
    assert.equal(r.format, 'raw-numbers');
    assert.equal(r.verdict, 'clean');
    assert.ok(src.maxRead <= 1 << 20, `read ${src.maxRead}`);
    assert.ok(src.totalRead <= 4 << 20, `read ${src.totalRead} bytes in all`);
  });
  it('a 1 MiB file of a few header words and then zeros is not claimed', async () => {
    const src = new SparseSource(concat(u64le(2 ** 40), [1, 2, 3, 4]), 1 << 20);
    const r = await scanSrc(src, 'zeros.bin');
    assert.equal(r.verdict, 'unscannable');
  });
});

describe('flipped bytes', () => {
  it('a float32 dump with flipped bytes never crashes the scan', async () => {
    await flipsNeverCrash(new Uint8Array(readFileSync(join(RAW, 'embeddings.f32.bin'))), 'x.bin', { runs: 60, slowRuns: 2000, seed: 23 });
  });
});
