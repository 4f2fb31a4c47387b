/**
 * The Zstandard wrapper: streams written by the real `zstd` tool and by
 * python-zstandard through pandas (test/fixtures/generate/zstd.py), decoded
 * to what the reference decoder produces (expected.json), and hostile
 * frames built here: sequences that promise more than a block holds (the
 * 18 bytes that keep fzstd busy for minutes), bombs, windows and content
 * sizes past the limits, reserved bits, matches before the frame.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { newState } from '../../../src/codecs/codec.js';
import { BoundedOutput } from '../../../src/codecs/output.js';
import { ZSTD_CODEC } from '../../../src/codecs/zstd/frame.js';
import { ModelguardError } from '../../../src/errors.js';
import { scanBuffer } from '../../../src/scan/engine.js';
import { scanFile } from '../../../src/scan/scan-file.js';
import { fixture, rules } from '../../helpers.js';
import { assertNoInternalError, concat, flipsNeverCrash } from '../helpers.js';

const DIR = 'compress-zstd';
const names = readdirSync(fixture(DIR))
  .filter((n) => /^(clean|suspicious|malicious|unscannable)__/.test(n))
  .sort();
const expected = JSON.parse(readFileSync(fixture(DIR, 'expected.json'), 'utf8')) as Record<string, { size: number; sha256: string }>;

function decode(input: Uint8Array, max = 1 << 28): { out: BoundedOutput; state: ReturnType<typeof newState>; error: unknown } {
  const out = new BoundedOutput(max, 'test ceiling');
  const state = newState();
  let error: unknown;
  try {
    ZSTD_CODEC.decode(input, out, state);
  } catch (e) {
    error = e;
  }
  return { out, state, error };
}

function code(e: unknown): string | undefined {
  if (e === undefined) return undefined;
  assert.ok(e instanceof ModelguardError, 'an uncoded error');
  return e.code;
}

/** A frame: magic, descriptor `fhd`, then the rest as given. */
const frame = (fhd: number, ...rest: (Uint8Array | number[])[]): Uint8Array => concat([0x28, 0xb5, 0x2f, 0xfd, fhd], ...rest);
/** A 3-byte block header. */
const block = (last: boolean, type: number, size: number): number[] => {
  const h = (size << 3) | (type << 1) | (last ? 1 : 0);
  return [h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff];
};

describe('zstd fixtures', () => {
  for (const name of names) {
    it(name, async () => {
      const r = await scanFile(fixture(DIR, name), { displayName: name });
      const summary = r.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`).join('\n');
      assert.equal(r.verdict, name.split('__')[0], summary);
      assert.equal(r.format, 'zstd');
      assertNoInternalError(r, name);
      if (r.verdict === 'malicious') {
        const hit = r.findings.find((f) => f.rule === 'pickle/dangerous-global');
        assert.ok(hit, summary);
        assert.ok((hit.location?.member?.length ?? 0) >= 1, JSON.stringify(hit.location));
      }
    });
  }
});

describe('decoder against the reference decoder', () => {
  for (const [name, want] of Object.entries(expected)) {
    it(`${name}: the bytes python-zstandard decodes`, () => {
      const { out, state, error } = decode(readFileSync(fixture(DIR, name)), 1 << 30);
      if (!name.includes('then-bomb')) {
        assert.equal(error, undefined);
        assert.deepEqual(state.checksums, []);
      }
      const got = out.source();
      const bytes = got.read(0, got.size);
      out.close();
      assert.equal(bytes.length, want.size);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), want.sha256);
    });
  }
  it('multi-frame and skippable streams decode every frame', () => {
    assert.ok(decode(readFileSync(fixture(DIR, 'clean__rows-multiframe.jsonl.zst'))).state.streams === 2);
    assert.ok(decode(readFileSync(fixture(DIR, 'clean__rows-skippable.jsonl.zst'))).state.streams === 1);
  });
});

describe('sequences that promise more than a block holds', () => {
  // Raw literals of size 0, 98047 sequences, all three tables RLE (LL code 0, OF code 0, ML code 52: 65539+ bytes each),
  // a bitstream of one marker byte: every extra bit reads past the start.
  const content = [0x00, 0xff, 0xff, 0xff, 0x54, 0x00, 0x00, 52, 0x01];
  it('stop at once with E_MALFORMED (fzstd spends minutes on these 18 bytes)', () => {
    const { out, error } = decode(frame(0x00, [0x00], block(true, 2, content.length), content));
    assert.equal(code(error), 'E_MALFORMED');
    assert.equal(out.length, 0);
  });
  it('with bits for every sequence, the block maximum stops them', () => {
    // 40000 RLE literals, 10000 sequences of 4 literals and a 34-byte match at repeat offset 1, no bits at all
    // (RLE tables, codes without extra bits): 380000 bytes promised by a block that may make 128 KiB.
    const seq = [0x0d, 0xc4, 0x09, 0x41, 0xa7, 0x10, 0x54, 4, 0, 31, 0x01];
    const { out, error } = decode(frame(0x00, [0x58], block(true, 2, seq.length), seq));
    assert.equal(code(error), 'E_MALFORMED');
    assert.ok(out.length <= 128 * 1024, `${out.length} bytes written`);
    assert.ok(out.length > 100_000, `${out.length} bytes written: the sequences before the limit ran`);
  });
});

describe('bombs and limits', () => {
  it('RLE blocks past the output ceiling are E_LIMIT after at most the ceiling', () => {
    const blocks: number[] = [];
    for (let i = 0; i < 64; i++) blocks.push(...block(i === 63, 1, 128 * 1024), 0);
    const { out, error } = decode(frame(0x00, [0x58], blocks), 1 << 20);
    assert.equal(code(error), 'E_LIMIT');
    assert.ok(out.length <= 1 << 20);
  });
  it('a scan of an RLE bomb is unscannable (compress/bomb), never clean', async () => {
    const blocks: number[] = [];
    for (let i = 0; i < 512; i++) blocks.push(...block(i === 511, 1, 128 * 1024), 0);
    const r = await scanBuffer(frame(0x00, [0x58], blocks), 'zeros.zst');
    assert.equal(r.verdict, 'unscannable');
    assert.ok(rules(r.findings).includes('compress/bomb'), rules(r.findings).join(','));
  });
  it('a declared content size past the ceiling is refused before decoding', () => {
    // A 1 KiB window and an 8-byte content size of 2^40.
    const { out, error } = decode(frame(0xc0, [0x00], [0, 0, 0, 0, 0, 1, 0, 0], block(true, 0, 0)), 1 << 20);
    assert.equal(code(error), 'E_LIMIT');
    assert.equal(out.length, 0);
  });
  it('a single-segment frame declaring 2^40 bytes needs a window past the limit: E_UNSUPPORTED', () => {
    assert.equal(code(decode(frame(0xe0, [0, 0, 0, 0, 0, 1, 0, 0], block(true, 0, 0))).error), 'E_UNSUPPORTED');
  });
  it('a window past 2^27 is unsupported, as the reference decoder refuses it by default', () => {
    const { error } = decode(frame(0x00, [(28 - 10) << 3], block(true, 0, 0)));
    assert.equal(code(error), 'E_UNSUPPORTED');
  });
  it('a skippable frame declaring 4 GB is E_TRUNCATED, nothing allocated', () => {
    const { error } = decode(concat([0x50, 0x2a, 0x4d, 0x18, 0xff, 0xff, 0xff, 0xff], [1, 2, 3]));
    assert.equal(code(error), 'E_TRUNCATED');
  });
});

describe('malformed frames', () => {
  it('the reserved descriptor bit is E_MALFORMED', () => {
    assert.equal(code(decode(frame(0x08, [0x00], block(true, 0, 0))).error), 'E_MALFORMED');
  });
  it('the reserved block type is E_MALFORMED', () => {
    assert.equal(code(decode(frame(0x00, [0x00], block(true, 3, 0))).error), 'E_MALFORMED');
  });
  it('a raw block over the block maximum is E_MALFORMED', () => {
    // Single segment of 16 bytes: blocks of at most 16 bytes.
    assert.equal(code(decode(frame(0x20, [16], block(true, 0, 17), new Uint8Array(17))).error), 'E_MALFORMED');
  });
  it('a frame needing a dictionary is E_UNSUPPORTED', () => {
    assert.equal(code(decode(frame(0x01, [0x00, 0x07], block(true, 0, 0))).error), 'E_UNSUPPORTED');
  });
  it('a match reaching before the frame start is E_MALFORMED', () => {
    // One literal, one sequence of predefined tables is hard to hand-build; RLE tables: LL code 1 (1 literal),
    // OF code 5 (offset value 32 + 5 bits → offset >= 29), ML code 0 (3 bytes); the bitstream holds 5 zero bits and the marker.
    const seq = [0x08, 0x41, 0x01, 0x54, 0x01, 0x05, 0x00, 0x20];
    assert.equal(code(decode(frame(0x00, [0x00], block(true, 2, seq.length), seq)).error), 'E_MALFORMED');
  });
  it('treeless literals with no tree before are E_MALFORMED', () => {
    const lit = [0x03 | (4 << 4), 0x04, 0x00, 0x01, 0x02, 0x03, 0x04, 0x00];
    assert.equal(code(decode(frame(0x00, [0x00], block(true, 2, lit.length), lit)).error), 'E_MALFORMED');
  });
  it('bytes that start no frame are E_MALFORMED; a stream ending mid-header is E_TRUNCATED', () => {
    assert.equal(code(decode(Uint8Array.of(1, 2, 3, 4, 5)).error), 'E_MALFORMED');
    assert.equal(code(decode(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd)).error), 'E_TRUNCATED');
  });
});

describe('damaged streams', () => {
  const full = readFileSync(fixture(DIR, 'clean__rows-blocks.jsonl.zst'));
  const whole = decode(full).out.bytes();
  it('cut at every offset: a coded error, and what came out is a prefix of the whole', () => {
    for (let n = 0; n < full.length; n++) {
      const { out, error } = decode(full.subarray(0, n));
      if (n > 0) assert.ok(code(error) !== undefined, `cut at ${n} decoded without an error`);
      const got = out.bytes();
      assert.deepEqual(got, whole.subarray(0, got.length), `cut at ${n}`);
    }
  });
  it('cut copies of a payload stream are never clean', async () => {
    const data = readFileSync(fixture(DIR, 'malicious__payload.pkl.zst'));
    for (let n = 1; n < data.length; n++) {
      const r = await scanBuffer(data.subarray(0, n), 'cut.pkl.zst');
      assertNoInternalError(r, `cut at ${n}`);
      if (r.verdict === 'clean') assert.ok(r.format === 'text' && n <= 4, `cut at ${n} is clean as ${r.format}`);
    }
  });
  for (const name of ['malicious__payload.pkl.zst', 'clean__rows-blocks.jsonl.zst', 'clean__rows-ultra.jsonl.zst']) {
    it(`${name} with random byte flips never crashes`, async () => {
      await flipsNeverCrash(readFileSync(fixture(DIR, name)), name, { runs: 40, slowRuns: 1000, seed: 2718, maxFlips: 6 });
    });
  }
});
