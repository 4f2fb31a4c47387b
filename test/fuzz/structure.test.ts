/**
 * Structure-aware fuzzing of real fixtures (docs/fuzzing.md): every length,
 * count and offset field of each seed set to 0, all ones, ±1, the file size
 * and huge values; truncation at every record boundary; records duplicated
 * and offsets pointed at other records (overlap). The exhaustive sweep runs
 * under FUZZ_RUNS or SLOW=1 (`npm run fuzz`); `npm test` samples it.
 *
 * Hostile seeds stay non-clean under every mutation: each either leaves the
 * payload where the loader reads it (so the file is as dangerous as before)
 * or breaks the structure the loader needs, which the scanner reports as
 * malformed or unscannable, never clean.
 */
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { fixture } from '../helpers.js';
import { mutants, writeField, valuesFor, type Layout, type Mutant } from './fields.js';
import { scanBuffer } from '../../src/scan/engine.js';
import { assertNoFailures, RUNS, sample, scanChecked, tally } from './harness.js';
import { gzipLayout, sevenZipLayout, tarLayout, zipLayout } from './layouts-containers.js';
import { ggufLayout, hdf5Layout, npyLayout, pickleLayout, protobufLayout, runsOpcodeAt, safetensorsLayout } from './layouts-models.js';

interface Seed {
  path: string[];
  layout: (d: Uint8Array) => Layout;
  hostile: boolean;
  /**
   * Whether a cut leaves the payload loadable: a pickle runs every opcode
   * before the cut (so a cut pickle is never clean), but a zip cut loses its
   * end of central directory (zipfile and miniz refuse it) and a tar cut at
   * or inside a header ends the archive for tarfile, the payload member gone.
   */
  stream?: 'one' | 'many';
}

/**
 * Mutants of hostile seeds that come out clean because the mutation makes
 * the payload unloadable, each checked against the real loader (docs/fuzzing.md, "Triage").
 */
const NOT_LOADABLE: { seed: string; what: RegExp; why: string }[] = [
  {
    seed: 'malicious__extra-pickle-member.pt',
    what: /^local\[11\]\.(extraLen|nameLen)=/,
    why: 'moves the data start: miniz and zipfile both read the local lengths and see no pickle (invalid load key); torch.load never unpickles this member (sandboxed-load.sh torch: ran=false)',
  },
  {
    seed: 'malicious__absolute-location.onnx',
    what: /^pb\.7\.2@81\.len=/,
    why: "the graph name's length moved into the tensors: protobuf rejects the model (onnx.load: DecodeError), so no runtime reads the external location",
  },
];

/** Where the payload's call sits in a pickle seed (the offset its malicious finding names) and its opcode. */
const payloads = new Map<string, { at: number; op: number } | undefined>();
async function payloadOf(s: Seed, seed: Uint8Array): Promise<{ at: number; op: number } | undefined> {
  const key = s.path.join('/');
  if (!payloads.has(key)) {
    const r = await scanBuffer(seed, key);
    const at = r.findings.find((f) => f.severity === 'malicious' && f.location.offset !== undefined)?.location.offset;
    payloads.set(key, at === undefined ? undefined : { at, op: seed[at] ?? 0 });
  }
  return payloads.get(key);
}

async function keepsPayload(s: Seed, seed: Uint8Array, m: Mutant): Promise<boolean> {
  if (!s.hostile) return false;
  if (m.what.startsWith('cut@')) return s.stream !== undefined;
  if (NOT_LOADABLE.some((n) => n.seed === s.path[1] && n.what.test(m.what))) return false;
  if (s.stream === undefined) return true;
  // A changed length can end the pickle before the payload's call: the unpickler stops at the first STOP.
  const p = await payloadOf(s, seed);
  if (p === undefined) return true;
  const at = m.moved !== undefined && p.at >= m.moved.at ? p.at + m.moved.by : p.at;
  return runsOpcodeAt(m.data, at, p.op, 0, s.stream === 'many');
}

const SEEDS: Record<string, Seed[]> = {
  pickle: [
    { path: ['pickle', 'malicious__os-system-protocol2.pkl'], layout: pickleLayout, hostile: true, stream: 'one' },
    { path: ['pickle', 'malicious__os-system-protocol5.pkl'], layout: pickleLayout, hostile: true, stream: 'one' },
    { path: ['pickle', 'malicious__payload-in-second-frame.pkl'], layout: pickleLayout, hostile: true, stream: 'one' },
    { path: ['pickle', 'malicious__stack-global-memo.pkl'], layout: pickleLayout, hostile: true, stream: 'one' },
    { path: ['pickle', 'clean__plain-data-protocol4.pkl'], layout: pickleLayout, hostile: false },
  ],
  'torch-legacy': [{ path: ['torch', 'malicious__legacy-payload-in-sys-info.pt'], layout: pickleLayout, hostile: true, stream: 'many' }],
  'torch-zip': [
    { path: ['torch', 'malicious__datapkl-payload-injected.pt'], layout: zipLayout, hostile: true },
    { path: ['torch', 'malicious__extra-pickle-member.pt'], layout: zipLayout, hostile: true },
    { path: ['torch', 'clean__state-dict-zip.pt'], layout: zipLayout, hostile: false },
  ],
  torchscript: [{ path: ['torch', 'malicious__torchscript-custom-op-namespace.pt'], layout: zipLayout, hostile: true }],
  npz: [{ path: ['numpy', 'malicious__npz-object-member.npz'], layout: zipLayout, hostile: true }],
  npy: [{ path: ['numpy', 'malicious__object-array-payload.npy'], layout: npyLayout, hostile: true }],
  keras: [{ path: ['keras', 'malicious__lambda-marshal.keras'], layout: zipLayout, hostile: true }],
  hdf5: [{ path: ['keras', 'malicious__lambda-function-os-system.h5'], layout: hdf5Layout, hostile: true }],
  tar: [
    { path: ['archive', 'malicious__payload.tar'], layout: tarLayout, hostile: true },
    { path: ['torch', 'malicious__tar-format-payload.pt'], layout: tarLayout, hostile: true },
  ],
  gzip: [
    { path: ['compress', 'malicious__pickle.pkl.gz'], layout: gzipLayout, hostile: true },
    { path: ['archive', 'malicious__payload.tar.gz'], layout: gzipLayout, hostile: true },
  ],
  '7z': [{ path: ['archive', 'malicious__payload.7z'], layout: sevenZipLayout, hostile: true }],
  safetensors: [{ path: ['safetensors', 'clean__small-model.safetensors'], layout: safetensorsLayout, hostile: false }],
  gguf: [{ path: ['gguf', 'malicious__ssti-cycler-globals-os.gguf'], layout: ggufLayout, hostile: true }],
  onnx: [{ path: ['onnx', 'malicious__absolute-location.onnx'], layout: protobufLayout, hostile: true }],
};

/** Mutants per seed in `npm test` (all of them under FUZZ_RUNS / SLOW=1). HDF5 scans cross a worker each: fewer. */
const SAMPLED = (format: string): number => (format === 'hdf5' ? 6 : 24);

after(() => {
  process.stdout.write(`# fuzz tally: ${JSON.stringify(tally)}\n`);
});

describe('structure-aware sweep: every field, boundary and record of real fixtures', () => {
  for (const [format, seeds] of Object.entries(SEEDS)) {
    it(`${format}: typed outcome, never internal, hostile never clean`, async () => {
      for (const s of seeds) {
        const seed = Uint8Array.from(readFileSync(fixture(...s.path)));
        const layout = s.layout(seed);
        for (const m of sample([...mutants(seed, layout)], SAMPLED(format))) {
          await scanChecked(`${format}-${s.path[1] ?? ''}-${m.what}`, m.data, { hostile: await keepsPayload(s, seed, m) });
        }
      }
      assertNoFailures();
    });
  }
});

describe('structure-aware random combinations', () => {
  for (const [format, seeds] of Object.entries(SEEDS)) {
    it(`${format}: up to three fields changed at once`, async () => {
      const prepared = seeds.map((s) => {
        const data = Uint8Array.from(readFileSync(fixture(...s.path)));
        return { s, data, layout: s.layout(data) };
      });
      const runs = format === 'hdf5' ? Math.max(3, Math.floor(RUNS / 5)) : RUNS;
      await fc.assert(
        fc.asyncProperty(fc.nat(), fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 3 }), async (which, picks) => {
          const p = prepared[which % prepared.length];
          if (p === undefined || p.layout.fields.length === 0) return;
          let data: Uint8Array = p.data;
          const what: string[] = [];
          for (const [fi, vi] of picks) {
            const f = p.layout.fields[fi % p.layout.fields.length];
            if (f === undefined) continue;
            const vals = valuesFor(p.data, f, p.layout);
            const v = vals[vi % vals.length] ?? 0n;
            data = writeField(data, f, v);
            what.push(`${f.what}=${v}`);
          }
          if (p.layout.fix !== undefined) data = p.layout.fix(data);
          let keeps = true;
          for (const w of what) keeps &&= await keepsPayload(p.s, p.data, { what: w, data });
          await scanChecked(`${format}-combo-${what.join(',')}`, data, { hostile: keeps });
        }),
        { numRuns: runs },
      );
      assertNoFailures();
    });
  }
});
