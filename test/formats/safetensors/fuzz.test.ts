/** Mutations of a valid file: the scanner never throws, and a truncated file is never clean. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fixture, scanBytes, SLOW } from '../helpers.js';

const VALID = new Uint8Array(readFileSync(fixture('safetensors', 'clean__small-model.safetensors')));

describe('safetensors mutations', () => {
  it('is never clean when truncated at any offset', async () => {
    // From 1 byte: an empty file is an empty text file (clean), whatever it was cut from.
    for (let n = 1; n < VALID.length; n += SLOW ? 1 : 3) {
      const r = await scanBytes(VALID.subarray(0, n));
      assert.notEqual(r.verdict, 'clean', `truncated at ${n}`);
      assert.ok(!r.findings.some((f) => f.rule === 'engine/internal-error'), `internal error at ${n}`);
    }
  });

  it('never throws or fails internally on flipped bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(VALID.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (flips) => {
        const m = VALID.slice();
        for (const [i, v] of flips) m[i] = v;
        const r = await scanBytes(m);
        assert.ok(!r.findings.some((f) => f.rule === 'engine/internal-error'), JSON.stringify(r.findings[0]));
      }),
      { numRuns: SLOW ? 2000 : 150 },
    );
  });
});
