/**
 * ISO base media files (MP4, MOV, M4A from ffmpeg; HEIC, AVIF from
 * heif-enc; committed in test/fixtures/benign-survey by
 * scripts/benign-survey/generate.py) are clean `iso-media`; look-alikes
 * built here are not: a pickle behind an ftyp box, boxes that do not tile
 * the file, offsets pointing outside the media data, huge counts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../../src/scan/engine.js';
import { fixture } from '../../helpers.js';
import { ROOT, assertNoInternalError, concat, flipsNeverCrash } from '../helpers.js';

const SET = join(ROOT, 'test', 'fixtures', 'benign-survey');
const FILES = ['media/demo.mp4', 'media/demo.mov', 'audio/speech.m4a', 'images/photo.heic', 'images/photo.avif'];
const read = (rel: string): Uint8Array => new Uint8Array(readFileSync(join(SET, rel)));

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const be32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const box = (type: string, ...payload: (Uint8Array | number[])[]): Uint8Array => {
  const body = concat(...payload);
  return concat(be32(8 + body.length), ascii(type), body);
};
const ftyp = box('ftyp', ascii('isom'), be32(512), ascii('isomiso2mp41'));
const stco = (...offsets: number[]): Uint8Array => box('stco', be32(0), be32(offsets.length), ...offsets.map(be32));
const movie = (table: Uint8Array): Uint8Array => box('moov', box('trak', box('mdia', box('minf', box('stbl', table)))));

async function verdictOf(b: Uint8Array, name = 'clip.mp4'): Promise<{ verdict: string; format: string }> {
  const r = await scanBuffer(b, name);
  assertNoInternalError(r, name);
  return r;
}

describe('ISO media from ffmpeg and heif-enc', () => {
  for (const rel of FILES) {
    it(`${rel} is clean iso-media`, async () => {
      const r = await verdictOf(read(rel), rel);
      assert.equal(r.verdict, 'clean');
      assert.equal(r.format, 'iso-media');
    });
  }
  it('a hand-built movie whose chunk offset lands in mdat is clean', async () => {
    const mdat = box('mdat', new Uint8Array(16));
    const head = concat(ftyp, movie(stco(0)));
    const b = concat(ftyp, movie(stco(head.length + 8)), mdat);
    assert.equal((await verdictOf(b)).verdict, 'clean');
  });
});

describe('look-alikes', () => {
  it('a pickle behind an ftyp box is never clean', async () => {
    const pickle = readFileSync(fixture('pickle', 'malicious__os-system-protocol2.pkl'));
    for (const b of [concat(ftyp, pickle), concat(ftyp, box('mdat', pickle)), concat(pickle, ftyp)]) {
      assert.notEqual((await verdictOf(b)).verdict, 'clean');
    }
  });
  it('a pickle stored in mdat beside a movie is media data: what no loader unpickles, and the file still breaks as a pickle at byte 0', async () => {
    const pickle = readFileSync(fixture('pickle', 'malicious__os-system-protocol2.pkl'));
    const head = concat(ftyp, movie(stco(0)));
    const r = await verdictOf(concat(ftyp, movie(stco(head.length + 8)), box('mdat', pickle)));
    assert.equal(r.format, 'iso-media');
  });
  it('a chunk offset outside every mdat is not clean', async () => {
    const b = concat(ftyp, movie(stco(4)), box('mdat', new Uint8Array(16)));
    assert.notEqual((await verdictOf(b)).verdict, 'clean');
  });
  it('an stco whose count does not fill it is not clean', async () => {
    const bad = box('stco', be32(0), be32(1_000_000), be32(0));
    assert.notEqual((await verdictOf(concat(ftyp, movie(bad), box('mdat', new Uint8Array(8))))).verdict, 'clean');
  });
  it('an ftyp alone, or boxes without a movie or an image, is not clean', async () => {
    assert.notEqual((await verdictOf(ftyp)).verdict, 'clean');
    assert.notEqual((await verdictOf(concat(ftyp, box('free', new Uint8Array(8)), box('mdat', new Uint8Array(8))))).verdict, 'clean');
  });
  it('a box running past the file, or bytes after the last box, are not clean', async () => {
    const good = read('media/demo.mp4');
    assert.notEqual((await verdictOf(good.subarray(0, good.length - 1))).verdict, 'clean');
    assert.notEqual((await verdictOf(concat(good, [1, 2, 3, 4, 5, 6, 7, 8, 9]))).verdict, 'clean');
  });
  it('a 64-bit box size of 2^52 is rejected without reading it', async () => {
    const huge = concat(be32(1), ascii('mdat'), [0, 0x10, 0, 0, 0, 0, 0, 0]);
    assert.notEqual((await verdictOf(concat(ftyp, huge))).verdict, 'clean');
  });
  it('containers nested past the depth limit are not clean', async () => {
    let b: Uint8Array = box('free');
    for (let i = 0; i < 40; i++) b = box('moov', b);
    assert.notEqual((await verdictOf(concat(ftyp, b))).verdict, 'clean');
  });
  it('cut at every seventh offset, a movie is never clean', async () => {
    const good = read('audio/speech.m4a');
    for (let n = 1; n < good.length; n += 7) {
      const r = await verdictOf(good.subarray(0, n), 'speech.m4a');
      assert.notEqual(r.verdict === 'clean' && r.format === 'iso-media', true, `cut at ${n}`);
    }
  });
  for (const rel of ['media/demo.mp4', 'images/photo.heic']) {
    it(`${rel} with random byte flips never crashes`, async () => {
      await flipsNeverCrash(read(rel), rel, { runs: 40, slowRuns: 1000, seed: 4242, maxFlips: 6 });
    });
  }
});
