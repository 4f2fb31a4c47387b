/** Mutations of a valid GGUF: never throws, never clean when truncated. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fixture, scanBytes, SLOW } from '../helpers.js';

const VALID = new Uint8Array(readFileSync(fixture('gguf', 'clean__mixtral-chat-template.gguf')));

describe('GGUF mutations', () => {
  it('is never clean when truncated', async () => {
    const step = SLOW ? 1 : 13;
    // From 1 byte: an empty file is an empty text file (clean), whatever it was cut from.
    for (let n = 1; n < VALID.length; n += n < 600 ? 1 : step) {
      const r = await scanBytes(VALID.subarray(0, n));
      assert.notEqual(r.verdict, 'clean', `truncated at ${n}`);
      assert.ok(!r.findings.some((f) => f.rule === 'engine/internal-error'), `internal error at ${n}: ${r.findings[0]?.message}`);
    }
  });

  it('never throws or fails internally on flipped bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(VALID.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), async (flips) => {
        const m = VALID.slice();
        for (const [i, v] of flips) m[i] = v;
        const r = await scanBytes(m);
        assert.ok(!r.findings.some((f) => f.rule === 'engine/internal-error'), JSON.stringify(r.findings.find((f) => f.rule === 'engine/internal-error')));
      }),
      { numRuns: SLOW ? 2000 : 100 },
    );
  });

  it('never fails internally on random templates', async () => {
    const alphabet = fc.constantFrom(...'{}%#()[]\'"._~|-+*x _0\\'.split(''));
    await fc.assert(
      fc.asyncProperty(fc.array(alphabet, { maxLength: 200 }), async (chars) => {
        const { analyzeTemplate } = await import('../../../src/formats/gguf/template-ssti.js');
        analyzeTemplate(chars.join(''), 200);
      }),
      { numRuns: SLOW ? 5000 : 300 },
    );
  });
});
