/**
 * Property fuzzing of every parser (issue 23, item 7): mutated real files
 * through the engine per format (pickle, zip, tar, safetensors, GGUF, NumPy,
 * protobuf/ONNX, HDF5 in its worker, gzip/xz/bzip2/lz4 wrappers), and the
 * standalone parsers directly (the age header, Sigstore bundles, TOML/JSON
 * allowlists, the streaming inflater against zlib). Zero unexpected
 * exceptions: every failure is a typed error, every scan a verdict, never
 * `engine/internal-error`.
 *
 * Budget: FUZZ_RUNS runs per property (default 25 in `npm test`;
 * `npm run fuzz` runs 1,000 and saves any failing input to
 * test/fuzz/regressions/, replayed by every run after).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { AgeError } from '../../src/age/errors.js';
import { parseHeader } from '../../src/age/format.js';
import { escapeName, nameFromBytes } from '../../src/bytes/names.js';
import { inflateRaw } from '../../src/codecs/inflate.js';
import { BoundedOutput } from '../../src/codecs/output.js';
import { ModelguardError } from '../../src/errors.js';
import { VERDICTS } from '../../src/findings/verdict.js';
import { parseAllowlist } from '../../src/python-globals/allowlist-file.js';
import { scanBuffer } from '../../src/scan/engine.js';
import { parseBundle } from '../../src/sign/bundle.js';
import { SignError } from '../../src/sign/errors.js';
import { fixture, ROOT } from '../helpers.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? (process.env['SLOW'] === '1' ? 1000 : 25));
const SAVE = process.env['FUZZ_SAVE'] === '1';
const REGRESSIONS = join(ROOT, 'test', 'fuzz', 'regressions');

/** Saves an input that broke a parser (npm run fuzz), so every later run replays it. */
function save(parser: string, data: Uint8Array): void {
  if (!SAVE) return;
  mkdirSync(REGRESSIONS, { recursive: true });
  const name = `${parser}-${createHash('sha256').update(data).digest('hex').slice(0, 16)}.bin`;
  writeFileSync(join(REGRESSIONS, name), data);
}

function regressions(parser: string): Uint8Array[] {
  if (!existsSync(REGRESSIONS)) return [];
  return readdirSync(REGRESSIONS)
    .filter((f) => f.startsWith(`${parser}-`))
    .map((f) => Uint8Array.from(readFileSync(join(REGRESSIONS, f))));
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
  fc.record({ kind: fc.constant('big' as const), at: fc.nat(), width: fc.constantFrom(2, 4, 8) }),
);
type Mutation = { kind: 'flip' | 'cut' | 'splice' | 'big'; at: number; value?: number; bytes?: Uint8Array; width?: number };

/** Applies mutations; `big` writes 0xff... over a length/count field to test declared sizes. */
function mutate(seed: Uint8Array, muts: readonly Mutation[]): Uint8Array {
  let data = seed.slice();
  for (const m of muts) {
    const at = data.length === 0 ? 0 : m.at % data.length;
    if (m.kind === 'flip') data[at] = m.value ?? 0;
    else if (m.kind === 'cut') data = data.slice(0, at);
    else if (m.kind === 'big') data.fill(0xff, at, Math.min(data.length, at + (m.width ?? 4)));
    else {
      const b = m.bytes ?? new Uint8Array(0);
      const next = new Uint8Array(data.length + b.length);
      next.set(data.subarray(0, at));
      next.set(b, at);
      next.set(data.subarray(at), at + b.length);
      data = next;
    }
  }
  return data;
}

const FORMAT_SEEDS: Record<string, string[]> = {
  pickle: [fixture('pickle', 'clean__sklearn-decision-tree.pkl'), fixture('pickle', 'malicious__stack-global-memo.pkl')],
  zip: [fixture('torch', 'clean__whole-module-zip.pt')],
  tar: [fixture('archive', 'clean__model.tar'), fixture('torch', 'clean__tar-format-benign.pt')],
  safetensors: [fixture('safetensors', 'clean__small-model.safetensors')],
  gguf: [fixture('gguf', 'clean__qwen2.5-chat-template.gguf')],
  numpy: [fixture('numpy', 'clean__structured.npy'), fixture('numpy', 'clean__arrays-compressed.npz')],
  protobuf: [fixture('onnx', 'clean__if-subgraphs.onnx')],
  hdf5: [fixture('keras', 'clean__sequential-mlp.h5'), fixture('keras', 'clean__sequential-dense.keras')],
  compressed: [fixture('compress', 'clean__pickle.pkl.gz'), fixture('compress', 'clean__pickle.pkl.xz'), fixture('compress', 'clean__pickle.pkl.bz2')],
};

/** A scan of hostile bytes ends in a verdict, never an exception or an internal error. */
async function scanOk(parser: string, data: Uint8Array): Promise<void> {
  let ok = false;
  try {
    const r = await scanBuffer(data, `fuzz-${parser}`);
    assert.ok(VERDICTS.includes(r.verdict), `verdict ${r.verdict}`);
    const internal = r.findings.find((f) => f.rule === 'engine/internal-error');
    assert.equal(internal, undefined, internal?.message);
    ok = true;
  } finally {
    if (!ok) save(parser, data);
  }
}

describe('fuzz: every format through the engine (mutated real files)', () => {
  for (const [parser, paths] of Object.entries(FORMAT_SEEDS)) {
    const seeds = paths.map((p) => Uint8Array.from(readFileSync(p)));
    it(`${parser}: mutations end in a verdict, never an internal error`, async () => {
      for (const r of regressions(parser)) await scanOk(parser, r);
      // HDF5 scans cross a worker thread each: fewer runs keep the default budget small.
      const runs = parser === 'hdf5' ? Math.max(5, Math.floor(RUNS / 3)) : RUNS;
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (i, muts) => {
          await scanOk(parser, mutate(seeds[i] as Uint8Array, muts));
        }),
        { numRuns: runs },
      );
    });
  }
});

/** A standalone parser either returns or throws one of its typed errors. */
function typedOnly(parser: string, data: Uint8Array, run: () => unknown, typed: (e: unknown) => boolean): void {
  try {
    run();
  } catch (e) {
    if (!typed(e)) {
      save(parser, data);
      throw e;
    }
  }
}

const utf8 = new TextDecoder();

describe('fuzz: standalone parsers throw only their typed errors', () => {
  it('the age header', () => {
    const seed = new TextEncoder().encode(
      'age-encryption.org/v1\n-> X25519 TiFRBp3Ufp+pclmLwKW1vbQfJu1vVWqIvK0Q6xOyPTI\nGbhxDYFgKVpS0ReRW+Wcue0PpDqnIWVv9XtqcAkCUYk\n--- 1vRBwRcdqiCEUyYLBSzTFQDyx7ahLM0YoBFXM0j4S3A\n',
    );
    const check = (d: Uint8Array): void => {
      typedOnly(
        'age-header',
        d,
        () => parseHeader(d),
        (e) => e instanceof AgeError || e instanceof ModelguardError,
      );
    };
    for (const r of regressions('age-header')) check(r);
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (muts) => {
        check(mutate(seed, muts));
      }),
      { numRuns: RUNS * 4 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (d) => {
        check(d);
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it('Sigstore bundles', () => {
    const seeds = ['v1.0.1-elliptic-key', 'v1.0.1-sigstore', 'v1.0.1-certificate'].map((v) =>
      Uint8Array.from(readFileSync(join(ROOT, 'test', 'vectors', 'model-signing', 'reference', v, 'model.sig'))),
    );
    const check = (d: Uint8Array): void => {
      typedOnly(
        'bundle',
        d,
        () => parseBundle(d),
        (e) => e instanceof SignError,
      );
    };
    for (const r of regressions('bundle')) check(r);
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (i, muts) => {
        check(mutate(seeds[i] as Uint8Array, muts));
      }),
      { numRuns: RUNS * 4 },
    );
    // Structure-aware: random JSON values in place of the document.
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => {
        check(new TextEncoder().encode(JSON.stringify(v)));
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it('TOML and JSON allowlists', () => {
    const seeds = [
      '[[allow]]\nmodule = "collections"\nname = "OrderedDict"\nuses = ["call"]\n',
      '{"profile": "torch", "allow": [{"module": "collections", "name": "OrderedDict"}]}',
    ].map((s) => new TextEncoder().encode(s));
    const check = (d: Uint8Array, path: string): void => {
      typedOnly(
        'allowlist',
        d,
        () => parseAllowlist(utf8.decode(d), path),
        (e) => e instanceof ModelguardError,
      );
    };
    for (const r of regressions('allowlist')) check(r, 'regression.toml');
    fc.assert(
      fc.property(fc.nat({ max: 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (i, muts) => {
        check(mutate(seeds[i] as Uint8Array, muts), i === 0 ? 'fuzz.toml' : 'fuzz.json');
      }),
      { numRuns: RUNS * 4 },
    );
  });
});

describe('fuzz: the streaming inflater agrees with zlib', () => {
  it('decodes what zlib decodes, byte for byte, and fails where zlib fails', () => {
    const data = fc.oneof(
      fc.uint8Array({ maxLength: 4000 }),
      fc.array(fc.constantFrom(0, 1, 2, 97), { maxLength: 20000 }).map((a) => Uint8Array.from(a)),
    );
    fc.assert(
      fc.property(data, fc.integer({ min: 0, max: 9 }), fc.array(mutation, { maxLength: 2 }), (plain, level, muts) => {
        const input = mutate(deflate(plain, level), muts);
        let ours: Uint8Array | undefined;
        const out = new BoundedOutput(1 << 24, 'fuzz', { spillAt: 1 << 16, window: 1 << 15 });
        try {
          inflateRaw(input, out, 0);
          ours = out.source().read(0, out.length);
        } catch (e) {
          assert.ok(e instanceof ModelguardError, String(e));
        } finally {
          out.close();
        }
        let theirs: Uint8Array | undefined;
        try {
          theirs = new Uint8Array(inflateRawSync(input));
        } catch {
          theirs = undefined;
        }
        if (muts.length === 0) assert.deepEqual(ours, plain);
        // zlib accepts what we accept; where both decode, the bytes are the same.
        if (ours !== undefined && theirs !== undefined) assert.deepEqual(ours, theirs);
      }),
      { numRuns: RUNS * 4 },
    );
  });
});

function deflate(plain: Uint8Array, level: number): Uint8Array {
  return new Uint8Array(deflateRawSync(plain, { level }));
}

describe('fuzz: names shown in reports', () => {
  it('escaped names hold no control character and tell different names apart', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        const ea = escapeName(nameFromBytes(a));
        // eslint-disable-next-line no-control-regex
        assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(ea), JSON.stringify(ea));
        if (!Buffer.from(a).equals(Buffer.from(b))) assert.notEqual(ea, escapeName(nameFromBytes(b)));
      }),
      { numRuns: RUNS * 8 },
    );
  });
});
