/**
 * SentencePiece models: real ones from python3-sentencepiece
 * (test/fixtures/generate/tokenizers.py) are clean and counted right;
 * broken ones built here are never clean and never crash; other protobuf
 * formats are not taken for tokenizers.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BufferSource } from '../../../src/bytes/source.js';
import { wireCursor, wireFields } from '../../../src/bytes/protobuf.js';
import { scanBuffer } from '../../../src/scan/engine.js';
import type { FileReport } from '../../../src/findings/report.js';
import { fixture } from '../../helpers.js';
import { assertNoInternalError } from '../helpers.js';
import { cat, len, str, varint, vint } from '../tensorflow/proto.js';

const f32 = (no: number, v: number): Uint8Array => {
  const b = Buffer.alloc(4);
  b.writeFloatLE(v);
  return cat(varint((no << 3) | 5), b);
};
const piece = (s: string | Uint8Array, type?: number): Uint8Array =>
  len(1, typeof s === 'string' ? str(1, s) : len(1, s), f32(2, -1.5), ...(type === undefined ? [] : [vint(3, type)]));
const base = [piece('<unk>', 2), piece('<s>', 3), piece('</s>', 3), piece('\u2581the'), piece('a'), piece('b')];
const scan = (b: Uint8Array): Promise<FileReport> => scanBuffer(b, 'tokenizer.model');
const noCrash = assertNoInternalError;

describe('real SentencePiece models', () => {
  const expected = JSON.parse(readFileSync(fixture('sentencepiece', 'expected.json'), 'utf8')) as Record<string, { pieces: number }>;
  const names = readdirSync(fixture('sentencepiece')).filter((n) => n.endsWith('.model'));
  it('are recognised, clean, with every piece counted', async () => {
    assert.equal(names.length, 3);
    for (const n of names) {
      const r = await scanBuffer(new Uint8Array(readFileSync(fixture('sentencepiece', n))), n);
      assert.equal(r.format, 'sentencepiece', n);
      assert.equal(r.verdict, 'clean', `${n}: ${JSON.stringify(r.findings)}`);
      assert.equal(r.info['sentencepiece.pieces'], expected[n]?.pieces, n);
    }
  });
  it('cut anywhere: clean only at a field boundary (a shorter valid model), never a crash', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('sentencepiece', 'clean__bpe-identity.model')));
    const w = wireCursor(new BufferSource(bytes));
    const boundaries = new Set<number>([...wireFields(w, 0, bytes.length, 'test')].map((f) => f.at + f.length));
    for (let n = 1; n < bytes.length; n++) {
      const r = await scan(bytes.subarray(0, n));
      noCrash(r, `cut at ${n}`);
      // (The first byte alone is a newline: text.)
      if (r.verdict === 'clean')
        assert.ok((boundaries.has(n) && r.format === 'sentencepiece') || (n === 1 && r.format === 'text'), `clean when cut at ${n} as ${r.format}`);
    }
  });
});

describe('broken models', () => {
  it('a minimal valid model is clean (the builder is right)', async () => {
    const r = await scan(cat(...base));
    assert.equal(r.verdict, 'clean', JSON.stringify(r.findings));
  });
  for (const [what, bytes] of [
    ['no unknown piece', cat(...base.slice(1))],
    ['two unknown pieces', cat(...base, piece('<unk2>', 2))],
    ['a piece type outside 1-6', cat(...base, piece('x', 9))],
    ['a piece without its string', cat(...base, len(1, f32(2, 0)))],
    ['a piece field with the wrong wire type', cat(...base, len(1, str(1, 'x'), str(2, 'not a float')))],
    ['a piece that is not UTF-8', cat(...base, piece(Uint8Array.from([0xff, 0xfe])))],
    [
      'a character map whose trie is larger than the map',
      cat(...base, len(3, str(1, 'nmt_nfkc'), len(2, Uint8Array.from([0x00, 0x01, 0x00, 0x00, 1, 2, 3, 4])))),
    ],
    ['a character map too short for its size', cat(...base, len(3, len(2, Uint8Array.from([1, 2]))))],
    ['a top-level field of the wrong type', cat(...base, vint(3, 7))],
    ['a length past the end', cat(...base, Uint8Array.from([0x0a, 0x7f, 0x0a, 0x01]))],
  ] as [string, Uint8Array][]) {
    it(`${what}: never clean`, async () => {
      const r = await scan(bytes);
      noCrash(r, what);
      assert.notEqual(r.verdict, 'clean', JSON.stringify(r.findings));
    });
  }
});

describe('other protobuf files are not tokenizers', () => {
  it('ONNX, TensorFlow graphs and Keras metadata keep their own formats', async () => {
    for (const [dir, n] of [
      ['onnx', 'clean__mlp.onnx'],
      ['tensorflow', 'clean__frozen-graph.pb'],
      ['tensorflow', 'clean__saved-model-tf2.pb'],
      ['tensorflow', 'clean__keras_metadata-dense.pb'],
    ]) {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(readFileSync(fixture(dir as string, n as string)));
      } catch {
        continue;
      }
      const r = await scanBuffer(bytes, n);
      assert.ok(!r.format.includes('sentencepiece'), `${n} taken for ${r.format}`);
    }
  });
});
