/**
 * PDF, fonts, SQLite and Chroma segment headers from the survey set
 * (scripts/benign-survey/generate.py: matplotlib, fontTools, sqlite3,
 * hnswlib): each is clean; cut, padded or re-declared copies built here
 * are not, and a pickle written in front of one is judged as the pickle.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanPaths } from '../../../src/scan/directory.js';
import { assertNoInternalError, concat, flipsNeverCrash, has, ROOT, scanBytes } from '../helpers.js';

const SET = join(ROOT, 'test', 'fixtures', 'benign-survey');
const read = (rel: string): Uint8Array => new Uint8Array(readFileSync(join(SET, rel)));

const CASES: [string, string, string][] = [
  ['figures/loss_curve.pdf', 'pdf', 'media/document'],
  ['assets/font.ttf', 'font-sfnt', 'media/document'],
  ['assets/font.woff', 'font-woff', 'media/document'],
  ['assets/font.woff2', 'font-woff2', 'media/document'],
  ['vectordb/chroma.sqlite3', 'sqlite', 'data/sqlite'],
  ['netcdf/era5-sample.nc', 'netcdf-classic', 'data/dataset-file'],
  ['matlab/data.mat', 'matlab-mat5', 'data/dataset-file'],
  ['mnist/raw/train-images-idx3-ubyte', 'idx', 'data/dataset-file'],
  ['lmdb/train_lmdb/data.mdb', 'lmdb-data', 'data/dataset-file'],
  ['media/clip.webm', 'matroska', 'media/audio'],
];

describe('documents, fonts and databases of the survey set', () => {
  for (const [rel, format, rule] of CASES) {
    it(`${rel} is clean (${format})`, async () => {
      const r = await scanBytes(read(rel), rel);
      assert.equal(r.verdict, 'clean', JSON.stringify(r.findings));
      assert.equal(r.format, format);
      assert.ok(has(r, rule, 'info'));
    });
  }
});

describe('broken look-alikes are never clean', () => {
  for (const [rel] of CASES) {
    it(`${rel} cut short or padded`, async () => {
      const b = read(rel);
      // (One byte less may still be whole: the newline after %%EOF, a font's 4-byte padding.)
      for (const cut of [b.length - 7, b.length - 64, Math.floor(b.length / 2)]) {
        const r = await scanBytes(b.subarray(0, cut), rel);
        assertNoInternalError(r, `cut at ${cut}`);
        assert.notEqual(r.verdict, 'clean', `${rel} cut at ${cut}`);
      }
      const padded = await scanBytes(concat(b, new Uint8Array(4100).fill(0x41)), rel);
      assert.notEqual(padded.verdict, 'clean', `${rel} with 4100 bytes appended`);
    });
  }
  it('a font whose head table moves outside the file', async () => {
    const b = read('assets/font.ttf').slice();
    const dv = new DataView(b.buffer);
    const n = dv.getUint16(4);
    for (let i = 0; i < n; i++) if (String.fromCharCode(...b.subarray(12 + 16 * i, 16 + 16 * i)) === 'head') dv.setUint32(12 + 16 * i + 8, b.length);
    const r = await scanBytes(b, 'font.ttf');
    assert.ok(has(r, 'engine/malformed'), JSON.stringify(r.findings));
  });
  it('a PDF whose startxref points at neither table nor stream', async () => {
    const s = new TextDecoder('latin1').decode(read('figures/loss_curve.pdf'));
    const m = /startxref\s+(\d+)/.exec(s);
    assert.ok(m !== null);
    const bad = s.replace(/startxref(\s+)\d+/, `startxref$1${String(Number(m[1]) + 3).padStart(m[1]?.length ?? 0, '0')}`);
    const r = await scanBytes(
      Uint8Array.from(bad, (c) => c.charCodeAt(0)),
      'x.pdf',
    );
    assert.ok(has(r, 'engine/malformed'), JSON.stringify(r.findings));
  });
  it('a pickle that calls, with a PDF after it, is judged as the pickle', async () => {
    const pickle = new TextEncoder().encode('cos\nsystem\n(S"id"\ntR.');
    const r = await scanBytes(concat(pickle, read('figures/loss_curve.pdf')), 'paper.pdf');
    assert.notEqual(r.verdict, 'clean');
  });
  it('a font collection pointing past the end, and a SQLite file of a header only, fail without an internal error', async () => {
    const ttc = concat([0x74, 0x74, 0x63, 0x66, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0x10, 0], new Uint8Array(20));
    const sqliteHeader = read('vectordb/chroma.sqlite3').subarray(0, 100);
    for (const [b, name] of [
      [ttc, 'fonts.ttc'],
      [sqliteHeader, 'db.sqlite3'],
    ] as const) {
      const r = await scanBytes(b, name);
      assertNoInternalError(r, name);
      assert.notEqual(r.verdict, 'clean', name);
    }
  });
  it('random flips never crash the recognisers', async () => {
    for (const [rel] of CASES.slice(0, 5)) await flipsNeverCrash(read(rel), rel, { runs: 60, slowRuns: 600, seed: 7 });
  });
});

describe('a Chroma persistent segment', () => {
  const SEG = 'vectordb/3f6c1a2e-5b0d-4c41-9a57-2d0c8f1e7b44';
  it('header.bin is recognised; data_level0.bin and length.bin are credited to it by size', async () => {
    const r = await scanPaths([join(SET, 'vectordb')], { jobs: 1 });
    const by = new Map(r.files.map((f) => [f.path.split('/').pop(), f]));
    assert.equal(by.get('header.bin')?.format, 'chroma-hnsw-header');
    assert.equal(by.get('data_level0.bin')?.format, 'chroma-hnsw-level0');
    assert.equal(by.get('length.bin')?.format, 'chroma-hnsw-length');
    for (const f of r.files) assert.equal(f.verdict, 'clean', f.path);
  });
  it('a data_level0.bin one element short is not credited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-chroma-'));
    writeFileSync(join(dir, 'header.bin'), read(`${SEG}/header.bin`));
    const level0 = read(`${SEG}/data_level0.bin`);
    writeFileSync(join(dir, 'data_level0.bin'), level0.subarray(0, level0.length - 108));
    const r = await scanPaths([dir], { jobs: 1 });
    const f = r.files.find((x) => x.path.endsWith('data_level0.bin'));
    assert.notEqual(f?.verdict, 'clean');
  });
  it('a header.bin of another length or version is not a Chroma header', async () => {
    const h = read(`${SEG}/header.bin`);
    for (const b of [concat(h, [0]), concat([2, 0, 0, 0], h.subarray(4))]) {
      const r = await scanBytes(b, 'header.bin');
      assert.notEqual(r.format, 'chroma-hnsw-header');
    }
  });
});
