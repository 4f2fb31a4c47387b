/** The zip walker on archives built in the test: what it must find, and what it must not invent. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferSource } from '../../../src/bytes/source.js';
import { readZip } from '../../../src/containers/zip/archive.js';
import { ModelguardError } from '../../../src/errors.js';
import { scanBuffer } from '../../../src/scan/engine.js';
import { rules } from '../../helpers.js';
import { buildZip } from '../../zip-builder.js';

const kinds = (data: Uint8Array) =>
  readZip(new BufferSource(data), 1000)
    .anomalies.map((a) => a.kind)
    .sort();
const PAYLOAD = '\x80\x02cos\nsystem\nX\x04\x00\x00\x00true\x85R.';

describe('clean archives raise no anomaly', () => {
  it('stored, deflated, data descriptors, Zip64 local extras', () => {
    const z = buildZip([
      { name: 'a/x.txt', data: 'hello' },
      { name: 'a/y.bin', data: new Uint8Array(5000), deflate: true },
      { name: 'a/z', data: 'zz', descriptor: true },
      { name: 'a/w.npy', data: 'ww', zip64Local: true },
    ]);
    assert.deepEqual(kinds(z), []);
    assert.equal(readZip(new BufferSource(z), 10).entries.length, 4);
  });
  it('an end-record signature inside the comment is not the record', () => {
    const z = buildZip([{ name: 'a', data: 'x' }], { comment: 'PK\x05\x06 decoy' });
    assert.equal(readZip(new BufferSource(z), 10).entries[0]?.name, 'a');
  });
});

describe('tricks are reported', () => {
  it('hidden local entry, analysed as a pickle', async () => {
    const z = buildZip([
      { name: 'arch/data.pkl', data: '\x80\x02}.' },
      { name: 'arch/evil.pkl', data: PAYLOAD, hidden: true },
    ]);
    assert.deepEqual(kinds(z), ['hidden-entry']);
    const r = await scanBuffer(z, 'h.pt');
    assert.equal(r.verdict, 'malicious');
  });
  it('local name and flag mismatches', () => {
    assert.deepEqual(kinds(buildZip([{ name: 'arch/data.pkl', localName: 'arch/readme.txt', data: 'x' }])), ['name-mismatch']);
    assert.deepEqual(kinds(buildZip([{ name: 'arch/data.pkl', localFlags: 1, data: 'x' }])), ['flag-mismatch']);
  });
  it('duplicate names, unsafe names, prefix data, count mismatch', () => {
    assert.deepEqual(
      kinds(
        buildZip([
          { name: 'd', data: '1' },
          { name: 'd', data: '2' },
        ]),
      ),
      ['duplicate-name'],
    );
    assert.deepEqual(kinds(buildZip([{ name: '../../etc/x', data: '1' }])), ['unsafe-name']);
    assert.deepEqual(kinds(buildZip([{ name: 'a', data: '1' }], { prefix: new Uint8Array(10) })), ['prefix-data']);
    assert.ok(kinds(buildZip([{ name: 'a', data: '1' }], { declaredEntries: 0 })).includes('entry-count-mismatch'));
  });
});

describe('hostile archives', () => {
  it('a directory claiming 65535 entries in a few bytes is not allocated; zipfile, which ignores the count, is followed', () => {
    const z = buildZip([{ name: 'a', data: '1' }], { declaredEntries: 65535 });
    assert.throws(
      () => readZip(new BufferSource(z), 100),
      (e: unknown) => e instanceof ModelguardError && e.code === 'E_LIMIT',
    );
    // miniz refuses the count; zipfile reads records until the directory's size is used up.
    const zip = readZip(new BufferSource(z), 100_000);
    assert.deepEqual(
      zip.entries.map((e) => [e.name, e.readers]),
      [['a', ['zipfile']]],
    );
    assert.ok(zip.anomalies.some((a) => a.kind === 'reader-disagreement'));
  });
  it('a deflate bomb is stopped at the inflation limit', async () => {
    const z = buildZip([{ name: 'arch/data.pkl', data: new Uint8Array(50 * 1024 * 1024), deflate: true }]);
    const r = await scanBuffer(z, 'bomb.pt', { limits: { maxInflatedBytes: 1 << 20 } });
    assert.ok(rules(r.findings).includes('engine/limit'));
    assert.notEqual(r.verdict, 'clean');
  });
  it('truncating an archive anywhere never yields clean', async () => {
    const z = buildZip([
      { name: 'arch/data.pkl', data: '\x80\x02}.' },
      { name: 'arch/version', data: '3\n' },
    ]);
    // From 4 bytes on: shorter cuts are the plain text "P" / "PK".
    for (let n = 4; n < z.length; n++) {
      const r = await scanBuffer(z.subarray(0, n), 't.pt');
      assert.notEqual(r.verdict, 'clean', `cut at ${n}`);
      assert.ok(!rules(r.findings).includes('engine/internal-error'));
    }
  });
});

describe('claimed sizes and names', () => {
  it('an entry claiming 10 GB in a small file is malformed, not read', async () => {
    const z = Buffer.from(buildZip([{ name: 'arch/data.pkl', data: '\x80\x02}.' }]));
    const cd = z.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    z.writeUInt32LE(0xffffffff, cd + 20); // compressed size
    z.writeUInt32LE(0xffffffff, cd + 24); // uncompressed size
    const r = await scanBuffer(Uint8Array.from(z), 'huge.pt');
    assert.notEqual(r.verdict, 'clean');
    assert.ok(rules(r.findings).includes('engine/malformed'));
  });
  it('non-UTF-8 entry names are read as CP437 and reported when flagged UTF-8', () => {
    const z = Buffer.from(buildZip([{ name: 'arch/ab.pkl', data: '\x80\x02}.' }]));
    const cd = z.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    z.writeUInt16LE(0x0800, cd + 8); // UTF-8 flag
    z[cd + 46 + 5] = 0xff; // break the name
    const zip = readZip(new BufferSource(Uint8Array.from(z)), 10);
    assert.ok(zip.anomalies.some((a) => a.kind === 'bad-name-encoding'));
  });
});
