/**
 * The archive as each loader reads it (src/containers/zip/loaders.ts,
 * views.ts, names.ts): miniz's and zipfile's end-record searches, their
 * directory and Zip64 rules, zipfile's names; hostile layouts built here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { BufferSource } from '../../src/bytes/source.js';
import { readZip } from '../../src/containers/zip/archive.js';
import { minizDirectory, minizEocdPos, zipfileDirectory, zipfileEocdPos } from '../../src/containers/zip/loaders.js';
import { cp437Decode, zipfileNames } from '../../src/containers/zip/names.js';
import { findEocd } from '../../src/containers/zip/records.js';
import { ModelguardError } from '../../src/errors.js';
import { scanBuffer } from '../../src/scan/engine.js';
import { rules } from '../helpers.js';
import { buildZip } from '../zip-builder.js';

const RUNS = process.env['SLOW'] === '1' ? 1000 : 40;
const src = (b: Uint8Array) => new BufferSource(b);
const PAYLOAD = '\x80\x02cos\nsystem\nX\x04\x00\x00\x00true\x85R.';

function eocd(entries: number, cdSize: number, cdOffset: number, commentLen: number, comment: Uint8Array = new Uint8Array(0)): Buffer {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(0x06054b50, 0);
  b.writeUInt16LE(entries, 8);
  b.writeUInt16LE(entries, 10);
  b.writeUInt32LE(cdSize, 12);
  b.writeUInt32LE(cdOffset, 16);
  b.writeUInt16LE(commentLen, 20);
  return Buffer.concat([b, comment]);
}

/** Splits a buildZip archive into its parts: everything before the directory, the directory, the end record. */
function parts(z: Uint8Array): { body: Buffer; cd: Buffer; cdOffset: number } {
  const b = Buffer.from(z);
  const end = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const cdOffset = b.readUInt32LE(end + 16);
  return { body: b.subarray(0, cdOffset), cd: b.subarray(cdOffset, end), cdOffset };
}

describe('end record search', () => {
  it('zipfile takes the empty-comment record at the very end; both take the last signature otherwise', () => {
    const z = buildZip([{ name: 'a', data: 'x' }]);
    assert.equal(zipfileEocdPos(src(z)), z.length - 22);
    assert.equal(minizEocdPos(src(z)), z.length - 22);
  });
  it('a second record inside the comment: the loaders take it, the layout reading does not', () => {
    const { body, cd, cdOffset } = parts(buildZip([{ name: 'a', data: 'x' }]));
    const inner = eocd(1, cd.length, cdOffset, 0x1234); // its comment would run past the end
    const file = Buffer.concat([body, cd, eocd(1, cd.length, cdOffset, inner.length, inner)]);
    const innerPos = file.length - 22;
    assert.equal(minizEocdPos(src(file)), innerPos);
    assert.equal(zipfileEocdPos(src(file)), innerPos);
    const tail = Uint8Array.from(file);
    assert.equal(findEocd(tail, tail.length)?.pos, innerPos - 22);
  });
  it('a signature with fewer than 22 bytes after it: miniz looks further back, zipfile gives up', () => {
    const z = Buffer.from(buildZip([{ name: 'a', data: 'x' }], { comment: 'PK\x05\x06 decoy' }));
    assert.equal(zipfileEocdPos(src(z)), undefined);
    assert.equal(minizEocdPos(src(z)), z.length - 22 - 'PK\x05\x06 decoy'.length);
  });
  it('trailing bytes after the record: the loaders still read the archive, and that is reported', () => {
    const z = Buffer.concat([Buffer.from(buildZip([{ name: 'arch/data.pkl', data: PAYLOAD }])), Buffer.alloc(100, 0x41)]);
    const zip = readZip(src(z), 10);
    assert.deepEqual(
      zip.entries.map((e) => [e.name, e.readers.sort()]),
      [['arch/data.pkl', ['miniz', 'zipfile']]],
    );
    assert.ok(zip.anomalies.some((a) => a.kind === 'reader-disagreement'));
  });
  it("miniz searches up to a window past zipfile's 64 KiB: only miniz finds a record 66 000 bytes from the end", () => {
    const z = Buffer.concat([Buffer.from(buildZip([{ name: 'a', data: 'x' }])), Buffer.alloc(66_000)]);
    assert.equal(zipfileEocdPos(src(z)), undefined);
    assert.equal(minizEocdPos(src(z)), z.length - 66_000 - 22);
    const far = Buffer.concat([Buffer.from(buildZip([{ name: 'a', data: 'x' }])), Buffer.alloc(80_000)]);
    assert.equal(minizEocdPos(src(far)), undefined);
  });
});

describe('directory location', () => {
  it('miniz reads the directory at its offset, zipfile right before the end record', () => {
    const z = Buffer.from(buildZip([{ name: 'a', data: 'x' }]));
    const { cd } = parts(z);
    // Point the offset at a second copy of the directory naming another entry.
    const evilLocal = Buffer.from(buildZip([{ name: 'b', data: PAYLOAD }])).subarray(0, 30 + 1 + PAYLOAD.length);
    const body = Buffer.from(z.subarray(0, z.length - 22 - cd.length));
    const evilAt = body.length;
    const evilCd = Buffer.from(cd);
    evilCd.writeUInt32LE(crc32(Buffer.from(PAYLOAD, 'latin1')), 16);
    evilCd.writeUInt32LE(PAYLOAD.length, 20);
    evilCd.writeUInt32LE(PAYLOAD.length, 24);
    evilCd.writeUInt16LE(1, 28);
    evilCd[46] = 0x62; // 'b'
    evilCd.writeUInt32LE(evilAt, 42);
    const evilCdAt = evilAt + evilLocal.length;
    const file = Buffer.concat([body, evilLocal, evilCd, cd, eocd(1, cd.length, evilCdAt, 0)]);
    const m = minizDirectory(src(file));
    const p = zipfileDirectory(src(file));
    assert.equal(m.cdStart, evilCdAt);
    assert.equal(p.cdStart, file.length - 22 - cd.length);
    const zip = readZip(src(file), 10);
    const b = zip.entries.find((e) => e.name === 'b');
    assert.deepEqual(b?.readers, ['miniz']);
    assert.ok(zip.anomalies.some((a) => a.kind === 'reader-disagreement' && a.entry === 'b'));
  });
  it('zipfile ignores the entry count, miniz reads exactly that many records', () => {
    const z = buildZip(
      [
        { name: 'a.npy', data: '1' },
        { name: 'b.npy', data: '2' },
        { name: 'c.npy', data: '3' },
      ],
      { declaredEntries: 1 },
    );
    const zip = readZip(src(z), 10);
    const view = (r: string) => zip.views.find((v) => v.reader === r)?.entries.map((e) => e.name);
    assert.deepEqual(view('miniz'), ['a.npy']);
    assert.deepEqual(view('zipfile'), ['a.npy', 'b.npy', 'c.npy']);
  });
});

describe('names as zipfile files them', () => {
  it('cut at the first NUL', () => {
    assert.deepEqual(zipfileNames(Buffer.from('config.json\0.txt'), 0, new Uint8Array(0)), ['config.json']);
  });
  it('CP437 without the UTF-8 flag, refused when flagged UTF-8 but invalid', () => {
    assert.equal(cp437Decode(Uint8Array.from([0x80, 0x41, 0xff])), 'ÇA\u00a0');
    assert.deepEqual(zipfileNames(Uint8Array.from([0xff]), 0x800, new Uint8Array(0)), []);
  });
  it('the Unicode Path extra field renames the entry when its CRC matches (CPython 3.12+)', () => {
    const raw = Buffer.from('x.bin');
    const uni = Buffer.from('config.json');
    const field = Buffer.alloc(9);
    field.writeUInt16LE(0x7075, 0);
    field.writeUInt16LE(5 + uni.length, 2);
    field[4] = 1;
    field.writeUInt32LE(crc32(raw), 5);
    assert.deepEqual(zipfileNames(raw, 0, Buffer.concat([field, uni])), ['x.bin', 'config.json']);
    field.writeUInt32LE(crc32(raw) ^ 1, 5);
    assert.deepEqual(zipfileNames(raw, 0, Buffer.concat([field, uni])), ['x.bin']);
  });
  it('a Keras config.json behind a NUL is still the config Keras reads', () => {
    const zip = readZip(
      src(
        buildZip([
          { name: 'metadata.json', data: '{}' },
          { name: 'config.json\0.bak', data: '{}' },
        ]),
      ),
      10,
    );
    assert.ok(zip.entries.some((e) => e.names.includes('config.json')));
  });
});

describe('properties', () => {
  const entry = fc.record({
    name: fc.stringMatching(/^[a-z]{1,8}(\/[a-z]{1,8})?$/),
    data: fc.uint8Array({ maxLength: 64 }),
    deflate: fc.boolean(),
  });
  it('a well-formed archive is read the same by every reader', () => {
    fc.assert(
      fc.property(fc.uniqueArray(entry, { minLength: 1, maxLength: 6, selector: (e) => e.name }), fc.string({ maxLength: 40 }), (entries, comment) => {
        const z = buildZip(entries, { comment: comment.replace(/PK/g, 'pk') });
        const zip = readZip(src(z), 100);
        assert.equal(zip.entries.length, entries.length);
        assert.ok(!zip.anomalies.some((a) => a.kind === 'reader-disagreement'));
        for (const e of zip.entries) assert.deepEqual([...e.readers].sort(), ['miniz', 'zipfile']);
      }),
      { numRuns: RUNS },
    );
  });
  it('mutated archives read or fail with a coded error, and never scan clean when a reader disagrees', async () => {
    const base = buildZip([
      { name: 'arch/data.pkl', data: '\x80\x02}.' },
      { name: 'arch/version', data: '3\n' },
    ]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        async (flips) => {
          const z = Uint8Array.from(base);
          for (const [i, v] of flips) z[i] = v;
          try {
            const zip = readZip(src(z), 100);
            if (zip.anomalies.some((a) => a.kind === 'reader-disagreement')) {
              const r = await scanBuffer(z, 'm.pt');
              assert.notEqual(r.verdict, 'clean');
            }
          } catch (e) {
            assert.ok(e instanceof ModelguardError, String(e));
          }
          const r = await scanBuffer(z, 'm.pt');
          assert.ok(!rules(r.findings).includes('engine/internal-error'));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
