/**
 * bzip2 (12) and LZMA (14) zip members, which Python's zipfile reads (and so
 * numpy.load and Keras do): decoded bytes match the CRC zipfile recorded,
 * and broken or oversized members fail with a typed error, never a crash.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BufferSource } from '../../src/bytes/source.js';
import { readZip } from '../../src/containers/zip/archive.js';
import { METHOD_BZIP2, METHOD_LZMA, crcOf, entryHead, entrySource } from '../../src/containers/zip/extract.js';
import { ModelguardError } from '../../src/errors.js';
import { fixture } from '../helpers.js';

const limits = { maxInflatedBytes: 64 << 20, maxInflateRatio: 1000 };

for (const [tag, method] of [
  ['bzip2', METHOD_BZIP2],
  ['lzma', METHOD_LZMA],
] as const) {
  describe(`zip members compressed with ${tag}`, () => {
    const bytes = new Uint8Array(readFileSync(fixture('numpy', `clean__npz-${tag}-members.npz`)));
    const src = new BufferSource(bytes);
    const zip = readZip(src, 100);
    const members = zip.entries.filter((e) => e.listed === 'central');

    it('decode to the size and CRC-32 that zipfile recorded', () => {
      assert.ok(members.length >= 2);
      for (const e of members) {
        assert.equal(e.method, method);
        const data = entrySource(src, e, limits);
        assert.equal(data.size, e.uncompressedSize, e.name);
        assert.equal(crcOf(data), e.crc32 >>> 0, e.name);
        assert.deepEqual([...entryHead(src, e, 6)], [0x93, ...Buffer.from('NUMPY')], e.name);
      }
    });
    it('a member cut short is a typed error', () => {
      for (const e of members) {
        for (const cut of [1, 5, Math.floor(e.compressedSize / 2)]) {
          assert.throws(() => entrySource(src, { ...e, compressedSize: e.compressedSize - cut }, limits), ModelguardError, `${e.name} -${cut}`);
        }
      }
    });
    it('a declared size over the limit is E_LIMIT before decoding', () => {
      const e = members[0]!;
      assert.throws(
        () => entrySource(src, { ...e, uncompressedSize: 2 ** 40 }, limits),
        (err: unknown) => err instanceof ModelguardError && err.code === 'E_LIMIT',
      );
    });
    it('every flipped byte of the compressed data gives bytes or a typed error', () => {
      const e = members[0]!;
      for (let i = 0; i < e.compressedSize; i++) {
        const copy = bytes.slice();
        copy[e.dataOffset + i] = (copy[e.dataOffset + i] as number) ^ 0x5a;
        try {
          entrySource(new BufferSource(copy), e, limits);
        } catch (err) {
          assert.ok(err instanceof ModelguardError, `flip at ${i}: ${String(err)}`);
        }
      }
    });
  });
}

describe('LZMA member header', () => {
  it('properties of a size other than 5 are E_MALFORMED', () => {
    const bytes = new Uint8Array(readFileSync(fixture('numpy', 'clean__npz-lzma-members.npz')));
    const src = new BufferSource(bytes);
    const e = readZip(src, 100).entries.find((x) => x.listed === 'central')!;
    bytes[e.dataOffset + 2] = 6;
    assert.throws(
      () => entrySource(src, e, limits),
      (err: unknown) => err instanceof ModelguardError && err.code === 'E_MALFORMED',
    );
  });
});
