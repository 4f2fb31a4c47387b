/**
 * NumPy arrays: fixtures written by numpy itself (np.save, np.savez,
 * savez_compressed; v1, v2 and v3 headers; structured and object dtypes),
 * headers built by hand that numpy rejects or reads leniently, and
 * truncation and byte flips of the fixtures.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../../src/scan/engine.js';
import { scanFile } from '../../../src/scan/scan-file.js';
import type { FileReport } from '../../../src/findings/report.js';
import { fixture, rules } from '../../helpers.js';
import { assertNoInternalError, flipsNeverCrash } from '../helpers.js';
import { buildZip } from '../../zip-builder.js';

/** A .npy file as numpy writes it: magic, version, length, header padded to 64 with a newline. */
function npy(header: string, data: Uint8Array = new Uint8Array(0), major = 1): Uint8Array {
  const pre = 8 + (major === 1 ? 2 : 4);
  const pad = (64 - ((pre + Buffer.byteLength(header, major === 3 ? 'utf8' : 'latin1') + 1) % 64)) % 64;
  const text = Buffer.from(`${header}${' '.repeat(pad)}\n`, major === 3 ? 'utf8' : 'latin1');
  const b = Buffer.alloc(pre);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]).copy(b);
  if (major === 1) b.writeUInt16LE(text.length, 8);
  else b.writeUInt32LE(text.length, 8);
  return Buffer.concat([b, text, data]);
}

const F4x2 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
const PAYLOAD = readFileSync(fixture('pickle', 'malicious__os-system-protocol2.pkl'));
const noCrash = assertNoInternalError;
const scan = (b: Uint8Array, name = 'x.npy'): Promise<FileReport> => scanBuffer(b, name);

describe('numpy fixtures', () => {
  const names = readdirSync(fixture('numpy'))
    .filter((n) => /^(clean|malicious)__/.test(n))
    .sort();
  it('include v2 and v3 headers as numpy writes them', () => {
    assert.equal(readFileSync(fixture('numpy', 'clean__header-v2.npy'))[6], 2);
    assert.equal(readFileSync(fixture('numpy', 'clean__header-v3-utf8.npy'))[6], 3);
  });
  for (const name of names) {
    it(name, async () => {
      const r = await scanFile(fixture('numpy', name), { displayName: name });
      const summary = r.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`).join('\n');
      assert.equal(r.verdict, name.split('__')[0], summary);
      assert.equal(r.format, name.endsWith('.npz') ? 'numpy-npz' : 'numpy-npy');
      if (r.verdict === 'malicious')
        assert.ok(
          r.findings.some((f) => f.rule === 'pickle/dangerous-global' && /system/.test(f.message)),
          summary,
        );
      if (r.verdict === 'clean')
        assert.deepEqual(
          r.findings.filter((f) => f.severity !== 'info'),
          [],
        );
    });
  }
  it('numeric data is sized, never read', async () => {
    const r = await scanFile(fixture('numpy', 'clean__float32-matrix.npy'));
    assert.equal(r.info['numpy.dtype'], '<f4');
    assert.equal(r.info['numpy.shape'], '(16, 8)');
  });
});

describe('headers numpy rejects are malformed, never clean', () => {
  const cases: [string, string, Uint8Array][] = [
    ['not a dict', "['descr']", new Uint8Array(0)],
    ['a key missing', "{'descr': '<f4', 'shape': (2,), }", new Uint8Array(8)],
    ['an extra key', "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", new Uint8Array(8)],
    ['fortran_order not a bool', "{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", new Uint8Array(8)],
    ['a float dimension', "{'descr': '<f4', 'fortran_order': False, 'shape': (2.0,), }", new Uint8Array(8)],
    ['65 dimensions', `{'descr': '<f4', 'fortran_order': False, 'shape': (${'1,'.repeat(65)}), }`, new Uint8Array(4)],
    ['an expression', "{'descr': __import__('os').system('x'), 'fortran_order': False, 'shape': (2,), }", new Uint8Array(8)],
    ['nesting past the bound', `{'descr': ${'['.repeat(100)}${']'.repeat(100)}, 'fortran_order': False, 'shape': (2,), }`, new Uint8Array(8)],
  ];
  for (const [what, header, data] of cases) {
    it(what, async () => {
      const r = await scan(npy(header, data));
      assert.equal(r.verdict, 'suspicious', rules(r.findings).join(','));
      assert.ok(rules(r.findings).includes('engine/malformed'));
    });
  }
  it('version 4.0 and a header length past the end', async () => {
    const v4 = npy(F4x2, new Uint8Array(8));
    v4[6] = 4;
    assert.ok(rules((await scan(v4)).findings).includes('engine/malformed'));
    const long = Buffer.from(npy(F4x2, new Uint8Array(8)));
    long.writeUInt16LE(60_000, 8);
    const r = await scan(long);
    assert.notEqual(r.verdict, 'clean');
    assert.match(r.findings.map((f) => f.message).join(' '), /past the end/);
  });
});

describe('data that does not match the header', () => {
  it('too little data', async () => {
    const r = await scan(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (100,), }", new Uint8Array(8)));
    assert.ok(rules(r.findings).includes('numpy/data-size'));
  });
  it('bytes numpy never reads after the data', async () => {
    const r = await scan(npy(F4x2, new Uint8Array(800)));
    assert.ok(rules(r.findings).includes('numpy/data-size'));
    assert.equal(r.verdict, 'suspicious');
  });
  it('a 2^80-byte shape is computed exactly, without allocating', async () => {
    const r = await scan(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }", new Uint8Array(8)));
    assert.match(r.findings.find((f) => f.rule === 'numpy/data-size')?.message ?? '', /9671406556917033397649408 bytes/);
  });
  it('a negative dimension', async () => {
    assert.ok(rules((await scan(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }"))).findings).includes('numpy/data-size'));
  });
  it('a type string that cannot be sized is unscannable', async () => {
    assert.equal((await scan(npy("{'descr': '<z9', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(8)))).verdict, 'unscannable');
  });
  it('a dtype name an Object has as a property is no dtype (no lookup on the prototype)', async () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const r = await scan(npy(`{'descr': '${name}', 'fortran_order': False, 'shape': (2,), }`, new Uint8Array(8)));
      noCrash(r, name);
      // Unsized (unscannable), or suspicious where the name has an 'O' (it could name the object type).
      assert.ok(r.verdict === 'unscannable' || r.verdict === 'suspicious', name);
    }
  });
  it('a dtype spelled out by name is sized by the shared table', async () => {
    assert.equal((await scan(npy("{'descr': 'float32', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(8)))).verdict, 'clean');
    assert.equal((await scan(npy("{'descr': 'longlong', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)))).verdict, 'clean');
  });
});

describe("headers read the way ast.literal_eval reads them (numpy's parser)", () => {
  it('a repeated key keeps its last value: an object dtype hidden behind a float one runs its pickle', async () => {
    const r = await scan(npy("{'descr': '<f4', 'descr': '|O', 'fortran_order': False, 'shape': (1,), }", PAYLOAD));
    assert.equal(r.verdict, 'malicious', rules(r.findings).join(','));
    assert.ok(rules(r.findings).includes('numpy/ambiguous-header'));
  });
  it("adjacent strings concatenate: '|' 'O' is the object dtype", async () => {
    const r = await scan(npy("{'descr': '|' 'O', 'fortran_order': False, 'shape': (1,), }", PAYLOAD));
    assert.equal(r.verdict, 'malicious', rules(r.findings).join(','));
  });
  it('a header modelguard cannot read still has the pickle after it analysed', async () => {
    const r = await scan(npy("{'descr': b'|O', 'fortran_order': False, 'shape': (1,), }", PAYLOAD));
    assert.equal(r.verdict, 'malicious', rules(r.findings).join(','));
    assert.ok(rules(r.findings).includes('numpy/pickle-after-unread-header'));
    assert.ok(rules(r.findings).includes('engine/malformed'));
  });
  it('the same inside an .npz member', async () => {
    const zip = buildZip([{ name: 'a.npy', data: npy("{'descr': '<f4', 'descr': '|O', 'fortran_order': False, 'shape': (1,), }", PAYLOAD) }]);
    const r = await scanBuffer(zip, 'x.npz');
    assert.equal(r.format, 'numpy-npz');
    assert.equal(r.verdict, 'malicious', rules(r.findings).join(','));
  });
  it('ten thousand adjacent strings do not exhaust the stack', async () => {
    const r = await scan(npy(`{'descr': ${"'' ".repeat(10_000)}'<f4', 'fortran_order': False, 'shape': (2,), }`, new Uint8Array(8), 2));
    assert.equal(r.verdict, 'clean', rules(r.findings).join(','));
  });
});

describe('numpy fixtures cut short and flipped', () => {
  for (const name of ['malicious__object-array-payload.npy', 'malicious__npz-object-member.npz', 'malicious__npz-compressed-object-member.npz']) {
    it(`${name}: every prefix is scanned without a crash and is never clean beyond a few bytes`, async () => {
      const data = readFileSync(fixture('numpy', name));
      for (let n = 1; n < data.length; n++) {
        const r = await scanBuffer(data.subarray(0, n), name);
        noCrash(r, `cut at ${n}`);
        if (r.verdict === 'clean') assert.ok(r.format === 'text' && n <= 4, `cut at ${n} is clean as ${r.format}`);
      }
    });
  }
  for (const name of ['malicious__object-array-payload.npy', 'clean__structured.npy', 'clean__arrays-compressed.npz']) {
    it(`${name}: random byte flips never crash`, async () => {
      const data = readFileSync(fixture('numpy', name));
      await flipsNeverCrash(data, name, { runs: 60, slowRuns: 1000, seed: 2211, maxFlips: 6 });
    });
  }
});
