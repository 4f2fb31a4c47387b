/**
 * Keras inputs built to exhaust or confuse the scanner: configs nested or
 * sized past the limits, zip members that lie about their size, and every
 * fixture cut short or with bytes flipped. None may crash, none of the
 * hostile ones may come out `clean`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../../src/scan/engine.js';
import { MAX_CONFIG_DEPTH } from '../../../src/formats/keras/config-scan.js';
import { fixture, rules } from '../../helpers.js';
import { assertNoInternalError, flipsNeverCrash } from '../helpers.js';
import { buildZip } from '../../zip-builder.js';

const METADATA = JSON.stringify({ keras_version: '3.3.3', date_saved: '2024-01-01@00:00:00' });

function kerasZip(config: string, extra: { name: string; data: string | Uint8Array }[] = []): Uint8Array {
  return buildZip([{ name: 'metadata.json', data: METADATA }, { name: 'config.json', data: config }, ...extra]);
}

const noCrash = assertNoInternalError;

const layer = (cls: string, config: object = {}): object => ({ module: 'keras.layers', class_name: cls, config, registered_name: null });

describe('keras config resource bounds', () => {
  it('nesting past the depth bound is engine/limit (unscannable), not clean', async () => {
    const depth = MAX_CONFIG_DEPTH + 50;
    const config = `{"module":"keras","class_name":"Sequential","config":{"layers":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const r = await scanBuffer(kerasZip(config), 'deep.keras');
    assert.equal(r.verdict, 'unscannable');
    assert.ok(rules(r.findings).includes('engine/limit'), r.findings.map((f) => f.rule).join(','));
  });

  it('a JSON model larger than maxHeaderBytes is engine/limit without being parsed', async () => {
    const body = JSON.stringify({ class_name: 'Sequential', config: { name: 'x'.repeat(200_000), layers: [] } });
    const r = await scanBuffer(new TextEncoder().encode(body), 'big.json', { limits: { maxHeaderBytes: 100_000 } });
    assert.equal(r.format, 'keras-json');
    assert.equal(r.verdict, 'unscannable');
    assert.ok(rules(r.findings).includes('engine/limit'));
  });

  it('a config.json whose deflated size inflates past the budget stops at the budget', async () => {
    const filler = ' '.repeat(4 * 1024 * 1024);
    const config = `{"module":"keras","class_name":"Sequential","config":{"layers":[]}}${filler}`;
    const zip = buildZip([
      { name: 'metadata.json', data: METADATA },
      { name: 'config.json', data: config, deflate: true },
    ]);
    assert.ok(zip.length < 64 * 1024, 'the bomb is small on disk');
    const r = await scanBuffer(zip, 'bomb.keras', { limits: { maxInflatedBytes: 1024 * 1024 } });
    assert.equal(r.verdict, 'unscannable');
    assert.ok(
      r.findings.some((f) => f.rule === 'engine/limit' && f.message.includes('config.json')),
      r.findings.map((f) => f.message).join(','),
    );
  });

  it('thousands of layers, one of them a Lambda, still finds the Lambda', async () => {
    const layers = Array.from({ length: 20_000 }, (_, i) => layer('Dense', { units: 1, name: `d${i}` }));
    layers.splice(12_345, 0, layer('Lambda', { function: { module: 'builtins', class_name: 'function', config: 'exec', registered_name: 'function' } }));
    const config = JSON.stringify({ module: 'keras', class_name: 'Sequential', config: { layers }, registered_name: null });
    const r = await scanBuffer(kerasZip(config), 'many.keras');
    assert.notEqual(r.verdict, 'clean', r.findings.map((f) => `${f.rule}: ${f.message}`).join('\n'));
  });
});

const MUTATED = ['malicious__lambda-marshal.keras', 'malicious__lambda-marshal.h5', 'malicious__lambda-model.json', 'malicious__tfsm-layer.keras'];

describe('keras fixtures cut short', () => {
  for (const name of MUTATED) {
    it(`${name}: every prefix is scanned without a crash and is clean only as a few bytes of text`, async () => {
      const data = readFileSync(fixture('keras', name));
      const step = Math.max(1, Math.floor(data.length / 300));
      for (let n = 1; n < data.length; n += step) {
        const r = await scanBuffer(data.subarray(0, n), name);
        noCrash(r, `cut at ${n}`);
        // A prefix of a few bytes ('PK', '{"cla') is only text: nothing loads it, nothing runs.
        if (r.verdict === 'clean') assert.ok(r.format === 'text' && n <= 16, `${name} cut at ${n} of ${data.length} is clean as ${r.format}`);
      }
    });
  }
});

describe('keras fixtures with flipped bytes', () => {
  for (const name of [...MUTATED, 'clean__sequential-dense.keras', 'clean__sequential-mlp.h5']) {
    it(`${name}: random byte flips never crash the scan`, async () => {
      const data = readFileSync(fixture('keras', name));
      // libhdf5 takes ~0.3 s on a damaged file: 2,000 HDF5 cases would run for 10 minutes.
      await flipsNeverCrash(data, name, { runs: 60, slowRuns: name.endsWith('.h5') ? 300 : 2000, seed: 20261122, maxFlips: 8 });
    });
  }
});

describe('HDF5 memory cap', () => {
  it('a vlen string length flipped to 800 MB does not grow the HDF5 heap past its cap', async () => {
    // Found by mutation: these two byte changes make libhdf5 allocate the declared length of a
    // variable-length string attribute (about 800 MB) before it checks it. WebAssembly memory never shrinks.
    const data = new Uint8Array(readFileSync(fixture('keras', 'clean__model-config-as-bytes.h5')));
    assert.equal(data.length, 10400, 'the fixture the offsets were found on');
    const m = data.slice();
    m[(459 * 7919) % m.length] = (m[(459 * 7919) % m.length] as number) ^ 0x5a;
    m[(459 * 104729) % m.length] = (m[(459 * 104729) % m.length] as number) ^ 0x33;
    const before = process.memoryUsage().external;
    const r = await scanBuffer(m, 'grown.h5');
    assertNoInternalError(r, 'grown.h5');
    const grew = process.memoryUsage().external - before;
    assert.ok(grew < 520 * 2 ** 20, `external memory grew by ${Math.round(grew / 2 ** 20)} MiB`);
  });
});

describe('HDF5 global heaps that make libhdf5 loop forever', () => {
  // Found by mutation of malicious__lambda-marshal.h5: each byte change is in its global heap
  // collection (at 2048), in an object size or the free-space size, and made libhdf5's heap
  // decoding spin without end, inside WebAssembly where no timer can stop it.
  for (const [at, x] of [
    [3880, 85],
    [3912, 221],
  ] as const) {
    it(`heap size byte at ${at} ^ ${x}: the scan ends with a finding`, async () => {
      const data = new Uint8Array(readFileSync(fixture('keras', 'malicious__lambda-marshal.h5')));
      assert.deepEqual([...data.subarray(2048, 2052)], [0x47, 0x43, 0x4f, 0x4c], 'the fixture the offsets were found on');
      data[at] = (data[at] as number) ^ x;
      const { Worker } = await import('node:worker_threads');
      const w = new Worker(new URL('./scan-worker.js', import.meta.url), { workerData: { bytes: data, name: 'loop.h5' } });
      const result = await new Promise<{ verdict: string; rules: string[] } | 'timeout'>((resolve, reject) => {
        const timer = setTimeout(() => {
          resolve('timeout');
        }, 30_000);
        w.once('message', (m: { verdict: string; rules: string[] }) => {
          clearTimeout(timer);
          resolve(m);
        });
        w.once('error', reject);
      });
      await w.terminate();
      assert.notEqual(result, 'timeout', 'the scan did not end in 30 s');
      if (result !== 'timeout') assert.ok(!result.rules.includes('engine/internal-error'), JSON.stringify(result));
    });
  }
});
