/**
 * Mutation fuzzing: flipped, truncated and spliced bytes of a valid zip and
 * a valid legacy checkpoint either load or fail with a ModelguardError,
 * never anything else. And float16 casting matches its exact decoding.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { BufferSource } from '../../src/bytes/source.js';
import { ModelguardError } from '../../src/errors.js';
import { loadCheckpoint, tensorBytes } from '../../src/convert/load/checkpoint.js';
import { f16BitsToF32, f32ToBf16Bits, f32ToF16Bits } from '../../src/convert/cast.js';
import { fixture } from './helpers/env.js';

const RUNS = process.env['SLOW'] === '1' ? 3000 : 150;

function tryLoad(bytes: Uint8Array): void {
  try {
    const ck = loadCheckpoint(new BufferSource(bytes), { salvage: true });
    for (const t of ck.tensors) tensorBytes(ck, t, 1 << 20);
  } catch (e) {
    if (!(e instanceof ModelguardError)) throw e;
  }
}

for (const name of ['nested.pt', 'views-legacy.pt']) {
  describe(`mutations of ${name}`, () => {
    const base = new Uint8Array(readFileSync(fixture(name)));
    it('byte flips never escape as untyped errors', () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (flips) => {
          const b = base.slice();
          for (const [at, v] of flips) b[at] = v;
          tryLoad(b);
        }),
        { numRuns: RUNS },
      );
    });
    it('truncation at any offset fails cleanly', () => {
      fc.assert(
        fc.property(fc.nat(base.length - 1), (n) => {
          tryLoad(base.slice(0, n));
        }),
        { numRuns: RUNS },
      );
    });
  });
}

describe('casting', () => {
  it('float16: every finite half survives f16 -> f32 -> f16', () => {
    for (let h = 0; h < 0x10000; h++) {
      const f = f16BitsToF32(h);
      if (Number.isNaN(f)) continue;
      assert.equal(f32ToF16Bits(f), h);
    }
  });
  it('bfloat16: round to nearest even', () => {
    assert.equal(f32ToBf16Bits(1), 0x3f80);
    assert.equal(f32ToBf16Bits(Math.fround(1 + 2 ** -8)), 0x3f80); // tie to even
    assert.equal(f32ToBf16Bits(Math.fround(1 + 3 * 2 ** -8)), 0x3f82);
    assert.equal(f32ToBf16Bits(NaN), 0x7fc0);
  });
  it('float16 overflow and NaN as c10 does', () => {
    assert.equal(f32ToF16Bits(65520), 0x7c00);
    assert.equal(f32ToF16Bits(-1e10), 0xfc00);
    assert.equal(f32ToF16Bits(NaN), 0x7e00);
  });
});
