/**
 * Every committed fixture (about a thousand files of every format the
 * scanner knows: pickles, checkpoints, archives, GGUF, ONNX, Keras, TFLite,
 * SavedModels, media, repositories, remote code) as a seed: each run picks
 * a fixture and applies one or two structure mutations (its fields,
 * boundaries and records, by its leading bytes) and one or two byte
 * mutations. The scan ends typed, never internal, within the time cap.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { fixture } from '../helpers.js';
import { mutants, type Mutant } from './fields.js';
import { assertNoFailures, RUNS, scanChecked, tally } from './harness.js';
import { layoutFor } from './layout-for.js';

function files(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) files(p, out);
    else if (e.isFile() && statSync(p).size <= 2 << 20) out.push(p);
  }
  return out;
}

const ROOT = fixture();
const SEEDS = files(ROOT).sort();
const cache = new Map<number, { data: Uint8Array; structure: Mutant[] }>();

function seed(i: number): { data: Uint8Array; structure: Mutant[] } {
  let s = cache.get(i);
  if (s === undefined) {
    const data = Uint8Array.from(readFileSync(SEEDS[i] as string));
    // At most 400 structure mutants kept per seed (evenly spread), so big archives do not dominate memory.
    const all = [...mutants(data, layoutFor(data).layout)];
    const step = Math.max(1, Math.floor(all.length / 400));
    s = { data, structure: all.filter((_, k) => k % step === 0) };
    cache.set(i, s);
  }
  return s;
}

const byteMutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('ones' as const), at: fc.nat(), width: fc.constantFrom(2, 4, 8) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
);

after(() => {
  process.stdout.write(`# fuzz tally: ${JSON.stringify(tally)} over ${SEEDS.length} seeds\n`);
});

describe('every fixture, mutated at its structure and its bytes', () => {
  it('inputs saved by earlier runs (test/fuzz/regressions/) replay typed, never internal', async () => {
    const dir = join(fixture(), '..', 'fuzz', 'regressions');
    const saved = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bin')) : [];
    for (const f of saved) await scanChecked(`replay-${f}`, Uint8Array.from(readFileSync(join(dir, f))));
    assertNoFailures();
  });

  it('typed outcome, never internal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), fc.array(byteMutation, { maxLength: 2 }), async (si, mi, muts) => {
        const i = si % SEEDS.length;
        const s = seed(i);
        let data = s.structure.length === 0 ? s.data.slice() : (s.structure[mi % s.structure.length] as Mutant).data.slice();
        for (const m of muts) {
          const at = data.length === 0 ? 0 : m.at % data.length;
          if (m.kind === 'set') data[at] = m.value;
          else if (m.kind === 'ones') data.fill(0xff, at, at + m.width);
          else data = Uint8Array.from(Buffer.concat([data.subarray(0, at), m.bytes, data.subarray(at)]));
        }
        await scanChecked(`corpus-${relative(ROOT, SEEDS[i] as string).replaceAll('/', '_')}`, data);
      }),
      { numRuns: RUNS * 4 },
    );
    assertNoFailures();
  });
});
