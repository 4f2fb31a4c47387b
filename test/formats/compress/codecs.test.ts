/**
 * modelguard's own decoders against the reference encoders: every vector in
 * test/fixtures/compress-vectors (made by Python's bz2, lzma and lz4
 * modules) decodes to the bytes the generator hashed; gzip and zlib are
 * checked against node:zlib. Damaged streams stop with a typed error.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import { BZIP2_CODEC } from '../../../src/codecs/bzip2.js';
import { newState, type Codec } from '../../../src/codecs/codec.js';
import { GZIP_CODEC } from '../../../src/codecs/gzip.js';
import { LZ4_CODEC } from '../../../src/codecs/lz4.js';
import { LZMA_CODEC } from '../../../src/codecs/lzma-alone.js';
import { BoundedOutput } from '../../../src/codecs/output.js';
import { XZ_CODEC } from '../../../src/codecs/xz.js';
import { ZLIB_CODEC } from '../../../src/codecs/zlib.js';
import { ModelguardError } from '../../../src/errors.js';
import { fixture } from '../../helpers.js';

const expected = JSON.parse(readFileSync(fixture('compress-vectors', 'expected.json'), 'utf8')) as Record<string, { size: number; sha256: string }>;

function codecFor(name: string): Codec {
  if (name.endsWith('.bz2')) return BZIP2_CODEC;
  if (name.endsWith('.xz')) return XZ_CODEC;
  if (name.endsWith('.lzma')) return LZMA_CODEC;
  if (name.endsWith('.lz4')) return LZ4_CODEC;
  throw new Error(name);
}

function decode(codec: Codec, input: Uint8Array, max = 64 * 1024 * 1024) {
  const out = new BoundedOutput(max, 'test');
  const state = newState();
  codec.decode(input, out, state);
  return { bytes: out.since(0), state };
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('decoders against the reference encoders', () => {
  for (const [name, want] of Object.entries(expected)) {
    it(name, () => {
      const { bytes, state } = decode(codecFor(name), readFileSync(fixture('compress-vectors', name)));
      assert.equal(bytes.length, want.size);
      assert.equal(sha(bytes), want.sha256);
      assert.deepEqual(state.checksums, []);
      assert.ok(state.streams >= 1);
    });
  }
});

describe('gzip and zlib against node:zlib', () => {
  const samples = [
    new Uint8Array(0),
    Uint8Array.of(7),
    new Uint8Array(70_000).map((_, i) => (i * 31) % 251),
    Uint8Array.from(readFileSync(fixture('compress-vectors', 'random-4k.bz2'))),
  ];
  for (const [i, data] of samples.entries()) {
    it(`sample ${i} (${data.length} bytes)`, () => {
      assert.equal(sha(decode(GZIP_CODEC, gzipSync(data)).bytes), sha(data));
      assert.equal(sha(decode(ZLIB_CODEC, deflateSync(data)).bytes), sha(data));
    });
  }
  it('gzip members back to back are all decoded, as gzip.open reads them', () => {
    const two = Buffer.concat([gzipSync(Buffer.from('first ')), gzipSync(Buffer.from('second'))]);
    const { bytes, state } = decode(GZIP_CODEC, two);
    assert.equal(Buffer.from(bytes).toString(), 'first second');
    assert.equal(state.streams, 2);
  });
});

describe('damaged streams', () => {
  const vector = (name: string): Uint8Array => Uint8Array.from(readFileSync(fixture('compress-vectors', name)));
  for (const name of ['block-plus-one.bz2', 'block-plus-one.xz', 'block-plus-one.lzma', 'block-plus-one.lz4']) {
    it(`${name}: cut at a dozen offsets, each a typed error or a reported checksum problem`, () => {
      const data = vector(name);
      for (let k = 1; k <= 12; k++) {
        const n = Math.floor((data.length * k) / 13);
        try {
          const { bytes, state } = decode(codecFor(name), data.subarray(0, n));
          // A decoder may stop cleanly at a stream boundary only if the output is incomplete AND reported.
          assert.ok(bytes.length < expected[name]!.size || state.checksums.length > 0, `cut at ${n} decoded everything`);
        } catch (e) {
          assert.ok(e instanceof ModelguardError, `cut at ${n}: ${String(e)}`);
          assert.ok(['E_TRUNCATED', 'E_MALFORMED'].includes(e.code), e.code);
        }
      }
    });
  }
  for (const name of ['block-plus-one.bz2', 'block-plus-one.xz', 'block-plus-one.crc32.xz', 'block-plus-one.sha256.xz', 'block-plus-one.lz4']) {
    it(`${name}: a flipped byte in the middle never passes silently`, () => {
      const data = vector(name);
      const at = Math.floor(data.length / 2);
      data[at] = (data[at] as number) ^ 0x40;
      try {
        const { bytes, state } = decode(codecFor(name), data);
        assert.ok(state.checksums.length > 0 || sha(bytes) !== expected[name]!.sha256, 'damage went unnoticed');
        assert.ok(state.checksums.length > 0, `no checksum reported for different output (${bytes.length} bytes)`);
      } catch (e) {
        assert.ok(e instanceof ModelguardError, String(e));
      }
    });
  }
  it('output past the ceiling is E_LIMIT, after at most the ceiling was produced', () => {
    for (const name of ['zeros-1m.bz2', 'zeros-1m.xz', 'zeros-1m.lzma', 'zeros-1m.lz4']) {
      const out = new BoundedOutput(100_000, 'test ceiling');
      assert.throws(
        () => {
          codecFor(name).decode(vector(name), out, newState());
        },
        (e: unknown) => e instanceof ModelguardError && e.code === 'E_LIMIT',
        name,
      );
      assert.ok(out.length <= 100_000, `${name}: ${out.length}`);
    }
    const out = new BoundedOutput(100_000, 'test ceiling');
    assert.throws(
      () => {
        GZIP_CODEC.decode(gzipSync(new Uint8Array(1_000_000)), out, newState());
      },
      (e: unknown) => e instanceof ModelguardError && e.code === 'E_LIMIT',
    );
  });
});
