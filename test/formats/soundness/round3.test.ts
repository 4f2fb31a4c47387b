/**
 * Soundness review, round 3 (docs/soundness-review.md): every candidate whose
 * payload ran under its real loader in the sandbox is `malicious`, and the
 * three fixes in isolation, with the hostile bytes built here.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { analyzeTemplate } from '../../../src/formats/gguf/template-ssti.js';
import { MAX_STORAGE_WALKS } from '../../../src/formats/torch/tar-checkpoint.js';
import { concat, fixture, fixtureDir, has, scanBytes, text } from '../helpers.js';

// Fixtures: scripts/fixtures/soundness_round3.py; sandbox-results.tsv is the output of
// scripts/fixtures/soundness-run.sh (whether the payload wrote its marker under the real loader).
const results = readFileSync(`${fixtureDir('soundness3')}/sandbox-results.tsv`, 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split('\t'))
  .map(([file = '', loader = '', ran = '']) => ({ file, loader, ran: ran === 'true' }));

describe('round 3: every payload that ran under its real loader is malicious', () => {
  it('the results table lists the candidates', () => {
    assert.ok(results.length >= 40);
    assert.ok(results.filter((r) => r.ran).length >= 25);
  });
  for (const { file, loader } of results.filter((r) => r.ran)) {
    it(`${file} (${loader})`, async () => {
      const r = await scanBytes(readFileSync(fixture('soundness3', file)), file);
      assert.equal(r.verdict, 'malicious', JSON.stringify(r.findings.map((f) => f.rule)));
    });
  }
});

const CMD = 'touch /tmp/modelguard-marker';
/** PROTO 2, GLOBAL posix system, BINUNICODE command, TUPLE1, REDUCE, STOP. */
const PAYLOAD = concat([0x80, 0x02], text('cposix\nsystem\nX'), [CMD.length, 0, 0, 0], text(CMD), [0x85, 0x52, 0x2e]);
/** A protocol-2 pickle of the int `n` (BININT1). */
const int1 = (n: number): Uint8Array => new Uint8Array([0x80, 0x02, 0x4b, n, 0x2e]);

/** A ustar archive of regular files. */
function tar(members: [string, Uint8Array][]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, data] of members) {
    const h = new Uint8Array(512);
    h.set(text(name), 0);
    h.set(text('0000644\0'), 100);
    h.set(text('0000000\0'), 108);
    h.set(text('0000000\0'), 116);
    h.set(text(data.length.toString(8).padStart(11, '0') + '\0'), 124);
    h.set(text('00000000000\0'), 136);
    h.set(text('        '), 148);
    h[156] = 0x30;
    h.set(text('ustar\x0000'), 257);
    const sum = h.reduce((a, b) => a + b, 0);
    h.set(text(sum.toString(8).padStart(6, '0') + '\0 '), 148);
    parts.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  return concat(...parts);
}

/** A storage record's argument pickle: (key, 'cpu', torch.<type>). */
const storageArgs = (key: number, type: string): Uint8Array =>
  concat([0x80, 0x02, 0x4b, key], text('X'), [3, 0, 0, 0], text('cpu'), text(`ctorch\n${type}\n`), [0x87, 0x2e]);
const i64 = (n: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt(n), true);
  return b;
};

function legacyTar(storages: Uint8Array): Uint8Array {
  return tar([
    ['storages', storages],
    ['tensors', int1(0)],
    ['pickle', int1(1)],
  ]);
}

describe('legacy torch tar: records after one whose element size is not a storage class', () => {
  // torch 1.13 legacy_load: `key, location, storage_type = args`; `storage_type.dtype` gives the element size.
  it('a tensor type as storage type: the payload record after it is found', async () => {
    const storages = concat(int1(2), storageArgs(1, 'FloatTensor'), i64(3), new Uint8Array(12), PAYLOAD);
    const r = await scanBytes(legacyTar(storages), 'x.tar');
    assert.equal(r.verdict, 'malicious');
    assert.ok(has(r, 'torch/legacy-layout', 'suspicious'));
  });
  it('whatever element size torch would use (2-byte elements here)', async () => {
    const storages = concat(int1(2), storageArgs(1, 'HalfTensor'), i64(3), new Uint8Array(6), PAYLOAD);
    const r = await scanBytes(legacyTar(storages), 'x.tar');
    assert.equal(r.verdict, 'malicious');
  });
  it('arguments as a list unpack like a tuple (no guess needed)', async () => {
    const list = concat([0x80, 0x02, 0x5d, 0x28, 0x4b, 1], text('X'), [3, 0, 0, 0], text('cpu'), text('ctorch\nFloatStorage\n'), [0x65, 0x2e]);
    const storages = concat(int1(2), list, i64(1), new Uint8Array(4), PAYLOAD);
    const r = await scanBytes(legacyTar(storages), 'x.tar');
    assert.equal(r.verdict, 'malicious');
    // the list record itself is read exactly; only the payload record after it has no storage type
    assert.ok(!r.findings.some((f) => f.rule === 'torch/legacy-layout' && f.message.includes('storage #1')));
  });
  it('benign records after an unknown type stay suspicious, not malicious', async () => {
    const storages = concat(int1(2), storageArgs(1, 'FloatTensor'), i64(1), new Uint8Array(4), storageArgs(2, 'FloatStorage'), i64(0), int1(0));
    const r = await scanBytes(legacyTar(storages), 'x.tar');
    assert.equal(r.verdict, 'suspicious');
  });
  it(`many unknown records: at most ${MAX_STORAGE_WALKS} readings, reported`, async () => {
    // Each record has 1 element: every element size is a different next position (5 forks per record).
    const records: Uint8Array[] = [];
    for (let i = 0; i < 40; i++) records.push(storageArgs(i, 'FloatTensor'), i64(1), new Uint8Array(16));
    const r = await scanBytes(legacyTar(concat(int1(40), ...records)), 'x.tar');
    assert.equal(r.verdict, 'suspicious');
    assert.ok(r.findings.some((f) => f.rule === 'torch/legacy-layout' && f.message.includes(`more than ${MAX_STORAGE_WALKS} readings`)));
  });
});

describe('legacy torch tar: tensor records of any rank', () => {
  // torch 1.13 reads ndim int32, 4 skipped bytes, ndim sizes, ndim strides, an offset; set_ took 200 dimensions.
  const storages = concat(int1(1), storageArgs(0, 'FloatStorage'), i64(1), new Uint8Array(4), [0x80, 0x02, 0x5d, 0x2e]);
  const tensorArgs = concat([0x80, 0x02, 0x4b, 0, 0x4b, 0], text('ctorch\nFloatTensor\n'), [0x87, 0x2e]);
  const record = (ndim: number): Uint8Array => {
    const dims = new Uint8Array(16 * ndim);
    const v = new DataView(dims.buffer);
    for (let i = 0; i < 2 * ndim; i++) v.setBigInt64(8 * i, 1n, true);
    const n = new Uint8Array(4);
    new DataView(n.buffer).setInt32(0, ndim, true);
    return concat(tensorArgs, n, new Uint8Array(4), dims, i64(0));
  };
  const tensorsTar = (tensors: Uint8Array): Uint8Array =>
    tar([
      ['storages', storages],
      ['tensors', tensors],
      ['pickle', int1(1)],
    ]);
  it('the payload after a 200-dimension tensor record is found', async () => {
    const r = await scanBytes(tensorsTar(concat(int1(2), record(200), PAYLOAD)), 'x.tar');
    assert.equal(r.verdict, 'malicious');
  });
  it('a benign 200-dimension record is read through (no layout finding)', async () => {
    const r = await scanBytes(tensorsTar(concat(int1(1), record(200))), 'x.tar');
    assert.ok(!has(r, 'torch/legacy-layout'));
  });
  it('a rank past the member still ends the walk', async () => {
    const r = await scanBytes(tensorsTar(concat(int1(1), tensorArgs, i64(0x7fffffff))), 'x.tar');
    assert.ok(has(r, 'torch/legacy-layout', 'suspicious'));
  });
});

describe("joblib < 0.10 'ZF' files: the length field as int(s, 16) reads it", () => {
  const zf = (field: string): Uint8Array => concat(text('ZF' + field.padEnd(19)), deflateSync(PAYLOAD));
  for (const field of [
    `0x${PAYLOAD.length.toString(16)}`,
    PAYLOAD.length.toString(16),
    `+0X_${PAYLOAD.length.toString(16)}`,
    `\t${PAYLOAD.length.toString(16)} `,
  ]) {
    it(JSON.stringify(field), async () => {
      const r = await scanBytes(zf(field), 'model.pkl');
      assert.equal(r.verdict, 'malicious');
    });
  }
  it('a field int() refuses is not read as ZF', async () => {
    const r = await scanBytes(zf('0x__2a'), 'model.pkl');
    assert.notEqual(r.verdict, 'clean');
    assert.ok(!r.findings.some((f) => f.rule === 'pickle/dangerous-global'));
  });
});

describe('chat templates the JS parser rejects: an escape global and a sink together are the escape', () => {
  it('(()|select|string)[24] builds the underscores at render time', () => {
    const t = "{% set u = (()|select|string)[24] %}{{ (lipsum|attr(u~u~'globals'~u~u)).os.popen('id').read() }}";
    const a = analyzeTemplate(t, 200);
    assert.equal(a.parsed, false);
    assert.ok(a.issues.some((i) => i.severity === 'malicious'));
  });
  it("a sink reached by subscript: g['os']", () => {
    const a = analyzeTemplate("{% set g = (()|select|string) %}{{ cycler|attr(g)['os'] }}{{ ( }}", 200);
    assert.ok(a.issues.some((i) => i.severity === 'malicious'));
  });
  it('a sink-named field alone in an unparsed template stays suspicious', () => {
    const a = analyzeTemplate('{% set ns = namespace(system=1) %}{{ ns.system }}{{ ( }}', 200);
    assert.equal(a.parsed, false);
    assert.ok(!a.issues.some((i) => i.severity === 'malicious'));
  });
});
