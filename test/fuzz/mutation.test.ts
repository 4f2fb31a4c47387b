/**
 * Mutation fuzzing of real fixtures: flipped bytes, truncation, splices.
 * The engine must never throw and never report an internal error; a
 * truncated file is never clean. Small run counts by default; SLOW=1 for more.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { scanBuffer } from '../../src/scan/engine.js';
import { fixture, rules } from '../helpers.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? (process.env['SLOW'] === '1' ? 2000 : 60));
const SEEDS = [
  fixture('torch', 'clean__whole-module-zip.pt'),
  fixture('torch', 'clean__legacy-state-dict.pt'),
  fixture('torch', 'clean__tar-format-benign.pt'),
  fixture('torch', 'clean__torchscript-cnn.pt'),
  fixture('pickle', 'clean__sklearn-decision-tree.pkl'),
  fixture('pickle', 'clean__plain-data-protocol0.pkl'),
  fixture('pickle', 'malicious__stack-global-memo.pkl'),
  // Formats added later; the pickle seeds stay at indexes 4-6 (the cut test below uses them).
  fixture('tflite', 'malicious__flex-read-file.tflite'),
  fixture('flax', 'clean__params.msgpack'),
  fixture('sentencepiece', 'clean__bpe-identity.model'),
  fixture('numpy', 'malicious__npz-lzma-members.npz'),
  fixture('numpy', 'malicious__npz-bzip2-members.npz'),
  fixture('media', 'malicious__png-with-zip.png'),
].map((p) => Uint8Array.from(readFileSync(p)));

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
);

function apply(
  seed: Uint8Array,
  muts: { kind: 'flip' | 'cut' | 'splice'; at: number; value?: number; bytes?: Uint8Array }[],
): { data: Uint8Array; cut: boolean } {
  let data = seed.slice();
  let cut = false;
  for (const m of muts) {
    const at = data.length === 0 ? 0 : m.at % data.length;
    if (m.kind === 'flip') data[at] = m.value ?? 0;
    else if (m.kind === 'cut') {
      data = data.slice(0, at);
      cut = true;
    } else {
      const b = m.bytes ?? new Uint8Array(0);
      const next = new Uint8Array(data.length + b.length);
      next.set(data.subarray(0, at));
      next.set(b, at);
      next.set(data.subarray(at), at + b.length);
      data = next;
    }
  }
  return { data, cut };
}

describe('mutated fixtures', () => {
  it('never throw, never an internal error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: SEEDS.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (i, muts) => {
        const { data } = apply(SEEDS[i] as Uint8Array, muts);
        const r = await scanBuffer(data, 'fuzz');
        assert.ok(!rules(r.findings).includes('engine/internal-error'), JSON.stringify(r.findings));
      }),
      { numRuns: RUNS },
    );
  });
  it('a cut pickle stream is never clean', async () => {
    const pickles = SEEDS.slice(4, 7);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: pickles.length - 1 }), fc.nat(), async (i, at) => {
        const seed = pickles[i] as Uint8Array;
        // From 1 byte: an empty file is an empty text file (clean), whatever it was cut from.
        const r = await scanBuffer(seed.subarray(0, 1 + (at % (seed.length - 1))), 'cut.pkl');
        assert.notEqual(r.verdict, 'clean');
      }),
      { numRuns: RUNS },
    );
  });
});
