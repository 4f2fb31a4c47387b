/**
 * Hostile inputs built in the test, one `describe` per attack: huge
 * declared counts and sizes are refused quickly without big reads; loops
 * are cut; the twin the issue names (a "WAV" whose chunk sizes don't tile
 * the file) is not clean.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../../src/scan/engine.js';
import { concat, SparseSource, scanSrc, text } from '../helpers.js';

const u32le = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

describe('a WAV whose chunks do not tile the file', () => {
  it('is malformed', async () => {
    const fmt = concat(text('fmt '), u32le(16), [1, 0, 1, 0], u32le(16000), u32le(32000), [2, 0, 16, 0]);
    const data = concat(text('data'), u32le(100), new Uint8Array(40));
    const wav = concat(text('RIFF'), u32le(4 + fmt.length + data.length), text('WAVE'), fmt, data);
    const r = await scanBuffer(wav, 'x.wav');
    assert.equal(r.verdict, 'suspicious');
    assert.ok(r.findings.some((f) => f.rule === 'engine/malformed'));
  });
});

describe('huge declared sizes', () => {
  it('a TFRecord whose first record claims 2^40 bytes in a 1 MiB file is not read', async () => {
    const { crc32c } = await import('../../../src/formats/tensorflow/crc32c.js');
    const len = Uint8Array.from([0, 0, 0, 0, 0, 1, 0, 0]);
    const c = crc32c(len);
    const masked = ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
    const src = new SparseSource(concat(len, u32le(masked)), 1 << 20);
    const r = await scanSrc(src, 'big.tfrecord');
    assert.ok(src.maxRead <= 1 << 20, `read ${src.maxRead}`);
    assert.notEqual(r.verdict, 'clean');
  });
  it('a word2vec header promising a billion words in a small file is not claimed', async () => {
    const r = await scanBuffer(concat(text('1000000000 300\n'), new Uint8Array(64).fill(0x80)), 'w.bin');
    assert.equal(r.verdict, 'unscannable');
  });
  it('an Arrow stream with a 2 GiB metadata length is refused', async () => {
    const r = await scanBuffer(concat([0xff, 0xff, 0xff, 0xff], u32le(0x7ffffff8), new Uint8Array(16)), 'x.arrow');
    assert.notEqual(r.verdict, 'clean');
  });
});

describe('loops', () => {
  it('a TIFF whose IFD points at itself is malformed, not endless', async () => {
    const ifd = concat([1, 0], [0, 1, 3, 0], u32le(1), u32le(8), u32le(8));
    const r = await scanBuffer(concat(text('II'), [42, 0], u32le(8), ifd), 'x.tif');
    assert.notEqual(r.verdict, 'clean');
  });
  it('msgpack nested 10,000 deep is a limit, not a stack overflow', async () => {
    const deep = concat(new Uint8Array(10_000).fill(0x91), [0x01]);
    const r = await scanBuffer(deep, 'x.msgpack');
    assert.notEqual(r.verdict, 'clean');
    assert.ok(!r.findings.some((f) => f.rule === 'engine/internal-error'));
  });
});

describe('checksums', () => {
  it('a git packfile whose trailer does not match is not clean', async () => {
    const pack = concat(text('PACK'), [0, 0, 0, 2], [0, 0, 0, 0], new Uint8Array(20));
    const r = await scanBuffer(pack, 'x.pack');
    assert.equal(r.verdict, 'suspicious');
  });
  it('an Ogg page with a wrong CRC is not clean', async () => {
    const page = concat(text('OggS'), [0, 2], new Uint8Array(8), u32le(1), u32le(0), u32le(0xdeadbeef), [1, 3], [1, 2, 3]);
    const r = await scanBuffer(page, 'x.ogg');
    assert.equal(r.verdict, 'suspicious');
  });
});
