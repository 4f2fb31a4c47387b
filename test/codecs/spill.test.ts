/**
 * Bounded inflation (issue 23 item 3): output past the spill threshold goes
 * to an unnamed scratch file, back-references and checksums still see every
 * byte, and the streaming inflater decodes what zlib decodes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { inflateRaw } from '../../src/codecs/inflate.js';
import { GZIP_CODEC } from '../../src/codecs/gzip.js';
import { newState } from '../../src/codecs/codec.js';
import { BoundedOutput } from '../../src/codecs/output.js';
import { ModelguardError } from '../../src/errors.js';

const small = { spillAt: 1 << 16, window: 1 << 14 };

function all(out: BoundedOutput): Buffer {
  return Buffer.from(out.source().read(0, out.length));
}

describe('BoundedOutput spilling', () => {
  it('keeps every byte through spills, including matches further back than the window', () => {
    const out = new BoundedOutput(1 << 22, 'test', small);
    const want: number[] = [];
    const head = randomBytes(40_000);
    out.append(head);
    want.push(...head);
    for (let i = 0; i < 40; i++) {
      const dist = i % 2 === 0 ? 30_000 : 3; // 30,000 > window once spilled
      const len = 5_000;
      const from = want.length - dist;
      for (let k = 0; k < len; k++) want.push(want[from + k] as number);
      out.copy(dist, len);
    }
    assert.ok(out.spilled);
    assert.deepEqual(all(out), Buffer.from(want));
    const seen: Buffer[] = [];
    out.feed(1000, (c) => seen.push(Buffer.from(c)));
    assert.deepEqual(Buffer.concat(seen), Buffer.from(want.slice(1000)));
    out.close();
  });
  it('stops at its ceiling with E_LIMIT', () => {
    const out = new BoundedOutput(200_000, 'test', small);
    assert.throws(
      () => {
        for (;;) out.append(new Uint8Array(4096));
      },
      (e: unknown) => e instanceof ModelguardError && e.code === 'E_LIMIT',
    );
    assert.ok(out.length <= 200_000);
    out.close();
  });
});

describe('the streaming inflater', () => {
  it('decodes stored, fixed and dynamic blocks as zlib wrote them', () => {
    for (const level of [0, 1, 6, 9]) {
      const plain = Buffer.concat([randomBytes(70_000), Buffer.alloc(200_000, 7), Buffer.from('hello '.repeat(5000))]);
      const out = new BoundedOutput(1 << 24, 'test', small);
      const used = inflateRaw(deflateRawSync(plain, { level }), out, 0);
      assert.equal(used, deflateRawSync(plain, { level }).length);
      assert.deepEqual(all(out), plain, `level ${level}`);
      out.close();
    }
  });
  it('a gzip member larger than one zlib call checks its CRC over the spilled output', () => {
    const plain = Buffer.alloc(40 << 20, 1);
    const gz = gzipSync(plain, { level: 9 });
    gz.writeUInt8(gz.readUInt8(gz.length - 8) ^ 1, gz.length - 8); // a CRC byte
    const out = new BoundedOutput(1 << 30, 'test');
    const state = newState();
    GZIP_CODEC.decode(new Uint8Array(gz), out, state);
    assert.equal(out.length, plain.length);
    assert.equal(state.checksums.length, 1);
    out.close();
  });
});
