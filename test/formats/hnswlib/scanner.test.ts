/**
 * hnswlib indexes (scripts/benign-precision/generate.py, Debian's
 * python3-hnswlib): the saved index is walked to its last byte; cut,
 * extended or inflated copies built in the test are not clean.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertNoInternalError, concat, flipsNeverCrash, has, ROOT, scanBytes, scanSrc, SLOW, SparseSource, u64le } from '../helpers.js';

const INDEX = new Uint8Array(readFileSync(join(ROOT, 'test', 'fixtures', 'benign-precision', 'hnswlib', 'hnswlib.bin')));

describe('an index from hnswlib.Index.save_index', () => {
  it('is clean, walked to its last byte', async () => {
    const r = await scanBytes(INDEX, 'index.bin');
    assert.equal(r.verdict, 'clean', JSON.stringify(r.findings));
    assert.equal(r.format, 'hnswlib-index');
    assert.ok(has(r, 'hnswlib/index', 'info'));
  });
});

describe('truncated and extended indexes', () => {
  it('cut anywhere after the header is never clean', async () => {
    for (let n = 96; n < INDEX.length; n += SLOW ? 1 : 7) {
      const r = await scanBytes(INDEX.subarray(0, n), 'index.bin');
      assertNoInternalError(r, `cut at ${n}`);
      assert.notEqual(r.verdict, 'clean', `cut at ${n}`);
    }
  });
  it('bytes after the last element are malformed', async () => {
    const r = await scanBytes(concat(INDEX, [0x80, 0x02, 0x4e, 0x2e]), 'index.bin');
    assert.ok(has(r, 'engine/malformed'));
  });
});

describe('huge declared sizes', () => {
  it('a header declaring 2^40 elements in a 1 MiB file is refused without reading them', async () => {
    const head = INDEX.slice(0, 96);
    head.set(u64le(2 ** 40), 8);
    head.set(u64le(2 ** 40), 16);
    const src = new SparseSource(head, 1 << 20);
    const r = await scanSrc(src, 'index.bin');
    assert.notEqual(r.verdict, 'clean');
    assert.ok(src.maxRead <= 1 << 20, `read ${src.maxRead}`);
  });
});

describe('flipped bytes', () => {
  it('never crash the scan', async () => {
    await flipsNeverCrash(INDEX, 'index.bin', { runs: 60, slowRuns: 2000, seed: 31 });
  });
});
