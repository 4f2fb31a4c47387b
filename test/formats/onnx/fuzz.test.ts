/**
 * Mutations of valid models: the scanner never throws; a model cut inside a
 * field is never clean (protobuf has no end marker, so a cut exactly between
 * two top-level fields is only caught when a required field went missing).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fixture, scanBytes, SLOW } from '../helpers.js';

for (const name of ['clean__mlp.onnx', 'clean__if-subgraphs.onnx', 'clean__mlp-external.onnx']) {
  const VALID = new Uint8Array(readFileSync(fixture('onnx', name)));
  describe(`ONNX mutations of ${name}`, () => {
    it('is never clean when truncated before the end', async () => {
      // From 1 byte: an empty file is an empty text file (clean), whatever it was cut from.
      for (let n = 1; n < VALID.length; n += SLOW ? 1 : 2) {
        const r = await scanBytes(VALID.subarray(0, n), name);
        assert.notEqual(r.verdict, 'clean', `truncated at ${n}`);
        assert.ok(!r.findings.some((f) => f.rule === 'engine/internal-error'), `internal error at ${n}`);
      }
    });

    it('never throws or fails internally on flipped bytes', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.nat(VALID.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), async (flips) => {
          const m = VALID.slice();
          for (const [i, v] of flips) m[i] = v;
          const r = await scanBytes(m, name);
          assert.ok(!r.findings.some((f) => f.rule === 'engine/internal-error'), JSON.stringify(r.findings.find((f) => f.rule === 'engine/internal-error')));
        }),
        { numRuns: SLOW ? 2000 : 150 },
      );
    });
  });
}
