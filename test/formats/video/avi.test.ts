/**
 * AVI from ffmpeg (test/fixtures/benign-survey/media/clip.avi, written by
 * scripts/benign-survey/generate.py) is a clean `avi`; look-alikes built
 * here are not: a pickle behind a RIFF header, an index pointing outside
 * the movie list, a missing header list, chunks past their list, nesting.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../../src/scan/engine.js';
import { fixture } from '../../helpers.js';
import { ROOT, assertNoInternalError, concat, flipsNeverCrash } from '../helpers.js';

const CLIP = new Uint8Array(readFileSync(join(ROOT, 'test', 'fixtures', 'benign-survey', 'media', 'clip.avi')));
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const le32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const chunk = (id: string, ...body: (Uint8Array | number[])[]): Uint8Array => {
  const b = concat(...body);
  return concat(ascii(id), le32(b.length), b, b.length % 2 === 1 ? [0] : []);
};
const list = (id: string, form: string, ...children: Uint8Array[]): Uint8Array => chunk(id, ascii(form), ...children);
const hdrl = list('LIST', 'hdrl', chunk('avih', new Uint8Array(56)));
const frame = chunk('00dc', new Uint8Array(10));
const movi = list('LIST', 'movi', frame);
/** An idx1 entry pointing `offset` bytes after the movi tag. */
const idx1 = (offset: number, size: number): Uint8Array => chunk('idx1', ascii('00dc'), le32(0x10), le32(offset), le32(size));

async function verdict(b: Uint8Array): Promise<string> {
  const r = await scanBuffer(b, 'clip.avi');
  assertNoInternalError(r, 'clip.avi');
  return `${r.verdict} ${r.format}`;
}

describe('AVI', () => {
  it('ffmpeg clip.avi is clean avi', async () => {
    assert.equal(await verdict(CLIP), 'clean avi');
  });
  it('a hand-built AVI whose index points at its frame is clean', async () => {
    assert.equal(await verdict(list('RIFF', 'AVI ', hdrl, movi, idx1(4, 10))), 'clean avi');
  });
  it('an index entry outside the movie list is not clean', async () => {
    assert.notEqual(await verdict(list('RIFF', 'AVI ', hdrl, movi, idx1(400, 10))), 'clean avi');
  });
  it('no header list first, or no movie list, is not clean', async () => {
    assert.notEqual(await verdict(list('RIFF', 'AVI ', movi, hdrl)), 'clean avi');
    assert.notEqual(await verdict(list('RIFF', 'AVI ', hdrl)), 'clean avi');
  });
  it('a pickle behind a RIFF AVI header is never clean', async () => {
    const pickle = readFileSync(fixture('pickle', 'malicious__os-system-protocol2.pkl'));
    for (const b of [concat(ascii('RIFF'), le32(pickle.length + 4), ascii('AVI '), pickle), list('RIFF', 'AVI ', hdrl, pickle)]) {
      assert.notEqual((await scanBuffer(b, 'clip.avi')).verdict, 'clean');
    }
  });
  it('a chunk running past its list, or bytes after the last RIFF, are not clean', async () => {
    assert.notEqual(await verdict(CLIP.subarray(0, CLIP.length - 3)), 'clean avi');
    assert.notEqual(await verdict(concat(CLIP, [1, 2, 3, 4, 5, 6, 7, 8])), 'clean avi');
  });
  it('lists nested past the depth limit are not clean', async () => {
    let b = chunk('JUNK');
    for (let i = 0; i < 20; i++) b = list('LIST', 'rec ', b);
    assert.notEqual(await verdict(list('RIFF', 'AVI ', hdrl, b, movi)), 'clean avi');
  });
  it('with random byte flips it never crashes', async () => {
    await flipsNeverCrash(CLIP, 'clip.avi', { runs: 40, slowRuns: 1000, seed: 1717, maxFlips: 6 });
  });
});
