/**
 * MXNet NDArray lists (scripts/benign-precision/generate.py writes them as
 * NDArray::Save does): walked to the last byte; cut, mislabelled or
 * inflated copies built in the test are not clean.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertNoInternalError, concat, flipsNeverCrash, has, ROOT, scanBytes, scanSrc, SLOW, SparseSource, u64le } from '../helpers.js';

const DIR = join(ROOT, 'test', 'fixtures', 'benign-precision', 'mxnet');
const read = (n: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, n)));

describe('parameter files', () => {
  for (const name of ['model-0000.params', 'gluon.params', 'embedding.params']) {
    it(`${name} is clean, walked as an NDArray list`, async () => {
      const r = await scanBytes(read(name), name);
      assert.equal(r.verdict, 'clean', JSON.stringify(r.findings));
      assert.equal(r.format, 'mxnet-params');
      assert.ok(has(r, 'mxnet/params', 'info'));
    });
  }
});

describe('empty arrays as NDArray::Save writes them', () => {
  const i32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
  const V2 = [0xc9, 0xfa, 0x93, 0xf9];
  it('a none array (rank 0) ends after its shape; a (0,)-shaped one has a context and a type flag', async () => {
    const none = concat(V2, i32(0), i32(0));
    const zero = concat(V2, i32(0), i32(1), u64le(0), i32(1), i32(0), i32(0));
    const r = await scanBytes(concat(u64le(0x112), u64le(0), u64le(2), none, zero, u64le(0)), 'x.params');
    assert.equal(r.verdict, 'clean', JSON.stringify(r.findings));
  });
});

describe('truncated and extended lists', () => {
  it('cut anywhere after the magic is never clean', async () => {
    const full = read('model-0000.params');
    for (let n = 24; n < full.length; n += SLOW ? 1 : 5) {
      const r = await scanBytes(full.subarray(0, n), 'x.params');
      assertNoInternalError(r, `cut at ${n}`);
      assert.notEqual(r.verdict, 'clean', `cut at ${n}`);
    }
  });
  it('a pickle after the names is malformed', async () => {
    const r = await scanBytes(concat(read('gluon.params'), [0x80, 0x02, 0x4e, 0x2e]), 'x.params');
    assert.ok(has(r, 'engine/malformed'));
  });
  it('more names than arrays is malformed', async () => {
    const r = await scanBytes(concat(u64le(0x112), u64le(0), u64le(0), u64le(1), u64le(1), [0x61]), 'x.params');
    assert.ok(has(r, 'engine/malformed'));
  });
});

describe('huge declared sizes', () => {
  it('2^40 arrays in a 1 MiB file are a limit, nothing read', async () => {
    const src = new SparseSource(concat(u64le(0x112), u64le(0), u64le(2 ** 40)), 1 << 20);
    const r = await scanSrc(src, 'x.params');
    assert.notEqual(r.verdict, 'clean');
    assert.ok(src.maxRead <= 1 << 20, `read ${src.maxRead}`);
  });
  it('an array whose shape holds 2^60 elements is malformed', async () => {
    const arr = concat([0xc9, 0xfa, 0x93, 0xf9], [0, 0, 0, 0], [2, 0, 0, 0], u64le(2 ** 30), u64le(2 ** 30), [1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0]);
    const r = await scanBytes(concat(u64le(0x112), u64le(0), u64le(1), arr, new Uint8Array(64)), 'x.params');
    assert.ok(has(r, 'engine/malformed'));
  });
});

describe('flipped bytes', () => {
  it('never crash the scan', async () => {
    await flipsNeverCrash(read('embedding.params'), 'x.params', { runs: 60, slowRuns: 2000, seed: 41 });
  });
});
