/**
 * Hostile FAISS files built in the test, one `describe` per attack: cut
 * files, counts that do not fit, wrong structure under a right magic,
 * nesting without end, and declared sizes far beyond the file, refused
 * without reading them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertNoInternalError, concat, flipsNeverCrash, has, ROOT, scanBytes, scanSrc, SLOW, SparseSource, text, u64le } from '../helpers.js';

const DIR = join(ROOT, 'test', 'fixtures', 'benign-precision', 'faiss');
const read = (n: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, n)));
const i32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n, true);
  return b;
};
/** `write_index_header`: d, ntotal, two words of 2^20, is_trained, metric. */
const header = (d: number, ntotal: number | bigint, metric = 1): Uint8Array => concat(i32(d), u64le(ntotal), u64le(1 << 20), u64le(1 << 20), [1], i32(metric));
const flat = (d: number, ntotal: number, floats: number | bigint = d * ntotal): Uint8Array =>
  concat(text('IxF2'), header(d, ntotal), u64le(floats), new Uint8Array(typeof floats === 'bigint' ? 0 : floats * 4));

describe('a hand-built flat index', () => {
  it('is clean when it is what write_index writes', async () => {
    const r = await scanBytes(flat(4, 3), 'x.faiss');
    assert.equal(r.verdict, 'clean', JSON.stringify(r.findings));
    assert.equal(r.format, 'faiss-index');
  });
  it('is malformed when its vectors do not match d * ntotal', async () => {
    const r = await scanBytes(flat(4, 3, 11), 'x.faiss');
    assert.ok(has(r, 'engine/malformed'));
  });
});

describe('truncated indexes', () => {
  for (const name of ['flat-l2.faiss', 'ivf-pq.faiss', 'hnsw-flat.faiss', 'pca-flat.faiss', 'binary-ivf.faiss']) {
    it(`${name} cut anywhere is never clean`, async () => {
      const full = read(name);
      const step = SLOW ? 1 : Math.max(1, Math.floor(full.length / 97));
      // From 8 bytes: shorter cuts (`IxF2`) are text, not an index.
      for (let n = 8; n < full.length; n += step) {
        const r = await scanBytes(full.subarray(0, n), name);
        assertNoInternalError(r, `cut at ${n}`);
        assert.notEqual(r.verdict, 'clean', `cut at ${n}`);
      }
    });
  }
});

describe('a right magic over wrong structure', () => {
  it('header words other than 2^20 are not claimed as FAISS', async () => {
    const bytes = flat(4, 3);
    bytes[16] = 7;
    const r = await scanBytes(bytes, 'x.faiss');
    assert.ok(!r.format.includes('faiss'), r.format);
  });
  it('an is_trained byte of 2 is malformed', async () => {
    const bytes = flat(4, 3);
    bytes[32] = 2;
    const r = await scanBytes(bytes, 'x.faiss');
    assert.ok(has(r, 'engine/malformed'));
  });
  it('an unknown sub-index code inside an ID map is malformed', async () => {
    const r = await scanBytes(concat(text('IxMp'), header(4, 0), text('Evil'), new Uint8Array(64)), 'x.faiss');
    assert.ok(has(r, 'engine/malformed'));
  });
  it('a recognised index type whose layout is not walked is unsupported, not clean', async () => {
    const r = await scanBytes(concat(text('IxLS'), header(4, 0), new Uint8Array(64)), 'x.faiss');
    assert.equal(r.verdict, 'unscannable');
    assert.ok(has(r, 'engine/unsupported'));
  });
});

describe('nesting without end', () => {
  it('ID maps nested 10,000 deep stop at the depth limit', async () => {
    const one = concat(text('IxMp'), header(4, 0));
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 10_000; i++) parts.push(one);
    const r = await scanBytes(concat(...parts), 'x.faiss');
    assertNoInternalError(r, 'deep');
    assert.notEqual(r.verdict, 'clean');
  });
});

describe('huge declared sizes', () => {
  it('a flat index declaring 2^50 floats in a 1 MiB file is refused without reading them', async () => {
    const src = new SparseSource(concat(text('IxF2'), header(4, 2 ** 48), u64le(2n ** 50n)), 1 << 20);
    const r = await scanSrc(src, 'x.faiss');
    assert.notEqual(r.verdict, 'clean');
    assert.ok(src.maxRead <= 1 << 20, `read ${src.maxRead}`);
  });
  it('an IVF index declaring 2^40 lists is a limit', async () => {
    const q = concat(text('IxF2'), header(4, 0), u64le(0));
    const ivf = concat(text('IwFl'), header(4, 0), u64le(2 ** 40), u64le(1), q, [0], u64le(0), text('ilar'), u64le(2 ** 40), u64le(16));
    const r = await scanBytes(concat(ivf, new Uint8Array(256)), 'x.faiss');
    assert.notEqual(r.verdict, 'clean');
  });
  it('an IVF list claiming 2^40 codes is malformed', async () => {
    const q = concat(text('IxF2'), header(4, 0), u64le(0));
    const ivf = concat(
      text('IwFl'),
      header(4, 1),
      u64le(1),
      u64le(1),
      q,
      [0],
      u64le(0),
      text('ilar'),
      u64le(1),
      u64le(16),
      text('full'),
      u64le(1),
      u64le(2 ** 40),
    );
    const r = await scanBytes(ivf, 'x.faiss');
    assert.ok(has(r, 'engine/malformed'));
  });
});

describe('flipped bytes', () => {
  for (const name of ['ivf-pq.faiss', 'hnsw-sq.faiss', 'binary-hnsw.faiss']) {
    it(`${name} with flipped bytes never crashes the scan`, async () => {
      await flipsNeverCrash(read(name), name, { runs: 60, slowRuns: 2000, seed: 17 });
    });
  }
});
