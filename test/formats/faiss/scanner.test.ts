/**
 * FAISS indexes written by Debian's faiss 1.7.3 (scripts/benign-precision/
 * generate.py): each is recognised and walked to its last byte, alone and
 * in a folder; the pickle beside a LangChain index stays the pickle
 * scanner's; a pickle named like an index is judged as a pickle.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanPaths } from '../../../src/scan/directory.js';
import { scanFile } from '../../../src/scan/scan-file.js';
import { concat, has, ROOT, scanBytes, text } from '../helpers.js';

const DIR = join(ROOT, 'test', 'fixtures', 'benign-precision', 'faiss');
const STORE = join(ROOT, 'test', 'fixtures', 'benign-precision', 'vectorstore');

describe('FAISS indexes from faiss.write_index', () => {
  const names = readdirSync(DIR);
  it('the set holds float and binary indexes of every walked family', () => {
    for (const n of [
      'flat-l2.faiss',
      'idmap2.faiss',
      'hnsw-pq.faiss',
      'ivf-pq.faiss',
      'ivf-sq.faiss',
      'lsh.faiss',
      'pca-flat.faiss',
      'refine.faiss',
      'binary-ivf.faiss',
      'binary-idmap.faiss',
    ]) {
      assert.ok(names.includes(n), n);
    }
  });
  for (const name of names) {
    it(`${name} is clean, walked as a FAISS index`, async () => {
      const r = await scanFile(join(DIR, name));
      assert.equal(r.verdict, 'clean', JSON.stringify(r.findings));
      assert.match(r.format, /^faiss-(binary-)?index$/);
      assert.equal(r.kind, 'data-container');
      assert.ok(has(r, 'faiss/index', 'info'));
    });
  }
});

describe('a LangChain vector store folder (index.faiss + index.pkl)', () => {
  it('the index is a FAISS index and the docstore is judged as the pickle it is', async () => {
    const r = await scanPaths([STORE], { jobs: 1 });
    const byName = new Map(r.files.map((f) => [f.path.split('/').at(-1), f]));
    assert.equal(byName.get('index.faiss')?.format, 'faiss-index');
    assert.equal(byName.get('index.faiss')?.verdict, 'clean');
    assert.equal(byName.get('index.pkl')?.format, 'pickle');
  });
  it('a docstore pickle that calls os.system is malicious, whatever sits beside it', async () => {
    const evil = concat([0x80, 0x02], text('cos\nsystem\n'), text('X'), [2, 0, 0, 0], text('id'), [0x85, 0x52, 0x2e]);
    const r = await scanBytes(evil, 'index.pkl');
    assert.equal(r.verdict, 'malicious');
  });
  it('a pickle named index.faiss is judged as a pickle', async () => {
    const evil = concat([0x80, 0x02], text('cos\nsystem\n'), text('X'), [2, 0, 0, 0], text('id'), [0x85, 0x52, 0x2e]);
    const r = await scanBytes(evil, 'index.faiss');
    assert.equal(r.verdict, 'malicious');
    assert.ok(!r.format.includes('faiss'));
  });
});

describe('a FAISS index with something after it', () => {
  it('a pickle appended to a flat index is not clean', async () => {
    const flat = new Uint8Array(readFileSync(join(DIR, 'flat-l2.faiss')));
    const evil = concat([0x80, 0x02], text('cos\nsystem\n'), text('X'), [2, 0, 0, 0], text('id'), [0x85, 0x52, 0x2e]);
    const r = await scanBytes(concat(flat, evil), 'index.faiss');
    assert.notEqual(r.verdict, 'clean');
    assert.ok(has(r, 'engine/malformed'));
  });
});
