/**
 * Torch objects written by pickle.dump / joblib.dump carry each storage as
 * torch.storage._load_from_bytes(<a torch.save file>), which torch.load runs
 * while unpickling: constant bytes are scanned as the nested torch file they
 * are; anything else stays the denied loader. Fixtures from
 * test/fixtures/generate/embedded_torch.py (real torch and joblib; the
 * malicious twins verified in the sandbox).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../../src/scan/engine.js';
import { scanFile } from '../../../src/scan/scan-file.js';
import type { FileReport } from '../../../src/findings/report.js';
import { bytes, global, pickle } from './assemble.js';

const DIR = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'torch-embedded');
const summary = (r: FileReport): string => r.findings.map((f) => `${f.severity} ${f.rule} ${f.message}`).join('\n');
const u32 = (n: number): Uint8Array => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
const binbytes = (b: Uint8Array): Uint8Array => bytes('B', u32(b.length), b);
const LOAD = global('torch.storage', '_load_from_bytes');

describe('torch objects pickled without torch.save (fixtures)', () => {
  for (const name of readdirSync(DIR).filter((n) => n.includes('__'))) {
    const expected = name.split('__')[0];
    it(`${name} is ${expected}`, async () => {
      const r = await scanFile(join(DIR, name));
      assert.equal(r.verdict, expected, summary(r));
      if (expected === 'clean') assert.ok(r.findings.some((f) => f.rule === 'pickle/embedded-torch-file'));
    });
  }
  it('the payload is reported inside the embedded file', async () => {
    const r = await scanFile(join(DIR, 'malicious__embedded-torch-payload.pkl'));
    const hit = r.findings.find((f) => f.severity === 'malicious');
    assert.match(hit?.location.member?.[0] ?? '', /^torch\.storage\._load_from_bytes@\d+$/);
  });
});

describe('hostile embedded files', () => {
  it('bytes that are no torch file are not clean', async () => {
    const r = await scanBuffer(pickle(bytes(LOAD, '(', binbytes(new Uint8Array(64).fill(0xfe)), 'tR'), 4), 'x.pkl');
    assert.notEqual(r.verdict, 'clean', summary(r));
  });
  it('a keyword argument, or the loader stored as a value, is still the denied loader', async () => {
    const kw = await scanBuffer(pickle(bytes(LOAD, '(', binbytes(Uint8Array.of(1)), 't}R'), 4), 'x.pkl');
    assert.equal(kw.verdict, 'malicious', summary(kw));
    const stored = await scanBuffer(pickle(bytes(']', LOAD, 'a'), 4), 'x.pkl');
    assert.equal(stored.verdict, 'malicious', summary(stored));
  });
  it('an embedded pickle nested in itself many times stops at the depth limit, not clean', async () => {
    let inner = pickle(bytes(']'), 4);
    for (let i = 0; i < 40; i++) inner = pickle(bytes(LOAD, '(', binbytes(inner), 'tR'), 4);
    const r = await scanBuffer(inner, 'x.pkl');
    assert.equal(r.verdict, 'unscannable', summary(r));
    assert.ok(r.findings.some((f) => f.rule === 'engine/limit'));
  });
  it('one embedded file referenced many times is scanned once per offset', async () => {
    const body = bytes(']', '(', LOAD, '(', binbytes(pickle(bytes(']'), 4)), 'tR', 'q\x01', ...Array.from({ length: 50 }, () => 'h\x01'), 'e');
    const r = await scanBuffer(pickle(body, 4), 'x.pkl');
    assert.equal(r.verdict, 'clean', summary(r));
  });
});
