/**
 * Compressed wrappers as the scan sees them: joblib dumps with every
 * compressor joblib offers, gzip/bzip2/xz/lzma pickles (fixtures from
 * test/fixtures/generate/compressed_numpy_archives.py), and hostile streams
 * built here: bombs, deep nesting, damage, truncation.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { scanBuffer } from '../../../src/scan/engine.js';
import { scanFile } from '../../../src/scan/scan-file.js';
import { fixture, rules } from '../../helpers.js';
import { assertNoInternalError, flipsNeverCrash } from '../helpers.js';

const DIR = 'compress';
const names = readdirSync(fixture(DIR))
  .filter((n) => /^(clean|suspicious|malicious)__/.test(n))
  .sort();

const noCrash = assertNoInternalError;

describe('compressed fixtures', () => {
  it("cover joblib's six compressors, clean and malicious", () => {
    for (const c of ['zlib', 'gzip', 'bz2', 'xz', 'lzma', 'lz4']) {
      assert.ok(names.includes(`clean__sklearn-${c}.joblib`) && names.includes(`malicious__payload-${c}.joblib`), c);
    }
  });
  for (const name of names) {
    it(name, async () => {
      const r = await scanFile(fixture(DIR, name), { displayName: name });
      const summary = r.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`).join('\n');
      assert.equal(r.verdict, name.split('__')[0], summary);
      noCrash(r, name);
      if (r.verdict === 'malicious') {
        const hit = r.findings.find((f) => f.rule === 'pickle/dangerous-global');
        assert.ok(hit, summary);
        assert.match(hit.message, /system/);
        // The finding says where: inside the decoded member.
        assert.ok((hit.location?.member?.length ?? 0) >= 1, JSON.stringify(hit.location));
      }
    });
  }
});

const payload = (): Uint8Array => readFileSync(fixture('pickle', 'malicious__os-system-protocol2.pkl'));

describe('decompression bombs', () => {
  it('a gzip inflating past maxInflatedBytes is unscannable, never clean', async () => {
    const bomb = gzipSync(new Uint8Array(64 * 1024 * 1024));
    assert.ok(bomb.length < 128 * 1024);
    const r = await scanBuffer(bomb, 'bomb.gz', { limits: { maxInflatedBytes: 8 * 1024 * 1024 } });
    assert.equal(r.verdict, 'unscannable');
    assert.ok(
      rules(r.findings).some((x) => x === 'compress/bomb' || x === 'engine/limit'),
      rules(r.findings).join(','),
    );
  });
  it('a payload before the bomb point is still found', async () => {
    const body = Buffer.concat([payload(), Buffer.alloc(32 * 1024 * 1024)]);
    const r = await scanBuffer(gzipSync(body), 'front.gz', { limits: { maxInflatedBytes: 4 * 1024 * 1024 } });
    assert.equal(r.verdict, 'malicious', rules(r.findings).join(','));
  });
  it('wrappers nested past maxNestingDepth stop with a limit finding', async () => {
    let b: Uint8Array = payload();
    for (let i = 0; i < 12; i++) b = gzipSync(b);
    const r = await scanBuffer(b, 'deep.gz', { limits: { maxNestingDepth: 4 } });
    assert.notEqual(r.verdict, 'clean');
    assert.ok(rules(r.findings).includes('engine/limit'), rules(r.findings).join(','));
  });
  it('nested within the limit, the payload at the bottom is found', async () => {
    let b: Uint8Array = payload();
    for (let i = 0; i < 3; i++) b = gzipSync(b);
    const r = await scanBuffer(b, 'three.gz');
    assert.equal(r.verdict, 'malicious');
  });
});

describe('damaged wrappers', () => {
  it('trailing bytes after the last gzip member are reported', async () => {
    const r = await scanBuffer(
      Buffer.concat([gzipSync(readFileSync(fixture('pickle', 'clean__plain-data-protocol0.pkl'))), Buffer.from('garbage!')]),
      'tail.gz',
    );
    assert.notEqual(r.verdict, 'clean');
    assert.ok(
      rules(r.findings).some((x) => x.startsWith('compress/')),
      rules(r.findings).join(','),
    );
  });
  it('a wrong CRC-32 in the gzip trailer is reported', async () => {
    const gz = Uint8Array.from(gzipSync(payload()));
    gz[gz.length - 8] = (gz[gz.length - 8] as number) ^ 1;
    const r = await scanBuffer(gz, 'crc.gz');
    assert.ok(rules(r.findings).includes('compress/checksum-mismatch'), rules(r.findings).join(','));
    assert.equal(r.verdict, 'malicious', 'the payload is still reported');
  });
  for (const name of [
    'malicious__pickle.pkl.gz',
    'malicious__pickle.pkl.bz2',
    'malicious__pickle.pkl.xz',
    'malicious__pickle.pkl.lzma',
    'malicious__payload-lz4.joblib',
    'malicious__payload-zlib.joblib',
  ]) {
    it(`${name} cut at every offset: never a crash, clean only as a few bytes of text`, async () => {
      const data = readFileSync(fixture(DIR, name));
      for (let n = 1; n < data.length; n++) {
        const r = await scanBuffer(data.subarray(0, n), name);
        noCrash(r, `cut at ${n}`);
        // 'x^' (a zlib header at level 1-5) and friends are only text when nothing follows them.
        if (r.verdict === 'clean') assert.ok(r.format === 'text' && n <= 4, `cut at ${n} of ${data.length} is clean as ${r.format}`);
      }
    });
  }
  for (const name of ['malicious__pickle.pkl.gz', 'malicious__pickle.pkl.xz', 'clean__sklearn-bz2.joblib', 'clean__sklearn-lz4.joblib']) {
    it(`${name} with random byte flips never crashes`, async () => {
      const data = readFileSync(fixture(DIR, name));
      await flipsNeverCrash(data, name, { runs: 50, slowRuns: 1000, seed: 1122, maxFlips: 6 });
    });
  }
});
