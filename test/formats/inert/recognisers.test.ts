/**
 * One shared case file run against every inert recogniser (the breadth
 * set's real files): each is clean with its format id and kind; each has
 * malformed twins that are not clean (cut short, and, where the format
 * does not tolerate trailing bytes, with bytes appended); flipped bytes
 * never crash the scan; and the same bytes with a pickle in front are
 * analysed as the pickle.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../../src/scan/engine.js';
import { concat, fixture, flipsNeverCrash, SLOW } from '../helpers.js';

interface Case {
  path: string;
  format: string;
  kind: string;
  /** Bytes after the structure are an error for this format (not for PNG/JPEG/GIF, whose readers stop at their end marker). */
  strictEnd: boolean;
  /** The fixture set the file is in (default benign-breadth). */
  set?: string;
}

const CASES: Case[] = [
  { path: 'dataset/audio/speech-pcm16.wav', format: 'wav', kind: 'media', strictEnd: true },
  { path: 'dataset/audio/speech-float.wav', format: 'wav', kind: 'media', strictEnd: true },
  { path: 'dataset/audio/clip.flac', format: 'flac', kind: 'media', strictEnd: false },
  { path: 'dataset/audio/clip.ogg', format: 'ogg', kind: 'media', strictEnd: true },
  { path: 'dataset/audio/clip.mp3', format: 'mp3', kind: 'media', strictEnd: true },
  { path: 'dataset/audio/timit-like.sph', format: 'nist-sphere', kind: 'media', strictEnd: true },
  { path: 'media/clip.aiff', format: 'aiff', kind: 'media', strictEnd: true, set: 'benign-more' },
  { path: 'media/clip.au', format: 'sun-au', kind: 'media', strictEnd: true, set: 'benign-more' },
  { path: 'dataset/images/img.bmp', format: 'bmp', kind: 'media', strictEnd: true },
  { path: 'dataset/images/img.tiff', format: 'tiff', kind: 'media', strictEnd: false },
  { path: 'dataset/images/img.ppm', format: 'pnm', kind: 'media', strictEnd: true },
  { path: 'dataset/images/img.pgm', format: 'pnm', kind: 'media', strictEnd: true },
  { path: 'dataset/images/favicon.ico', format: 'ico', kind: 'media', strictEnd: false },
  { path: 'dataset/images/figure.png', format: 'png', kind: 'media', strictEnd: false },
  { path: 'dataset/images/photo.jpg', format: 'jpeg', kind: 'media', strictEnd: false },
  { path: 'dataset/cache/data-00000-of-00001.arrow', format: 'arrow-stream', kind: 'data-container', strictEnd: true },
  { path: 'dataset/features.feather', format: 'arrow-file', kind: 'data-container', strictEnd: true },
  { path: 'dataset/train-00000-of-00001.parquet', format: 'parquet', kind: 'data-container', strictEnd: true },
  { path: 'dataset/train.tfrecord', format: 'tfrecord', kind: 'data-container', strictEnd: true },
  { path: 'runs/tb/events.out.tfevents.1700000000.host.1.0', format: 'tensorboard-events', kind: 'data-container', strictEnd: true },
  { path: 'megatron/corpus_text_document.idx', format: 'mmap-indexed-dataset', kind: 'data-container', strictEnd: true },
  { path: 'spacy/ner/model', format: 'msgpack', kind: 'data-container', strictEnd: true },
  { path: 'spacy/tokenizer', format: 'msgpack', kind: 'data-container', strictEnd: true },
  { path: 'whisper/ggml-tiny.bin', format: 'ggml', kind: 'model-data-only', strictEnd: true },
  { path: 'llm/imatrix.dat', format: 'llama-imatrix', kind: 'model-data-only', strictEnd: true },
  { path: 'vectors/GoogleNews-tiny.bin', format: 'word2vec-binary', kind: 'model-data-only', strictEnd: true },
  { path: 'vectors/cc.tiny.bin', format: 'fasttext', kind: 'model-data-only', strictEnd: true },
  { path: 'xgboost/model.json', format: 'xgboost-json', kind: 'model-data-only', strictEnd: true },
  { path: 'xgboost/model.ubj', format: 'xgboost-ubj', kind: 'model-data-only', strictEnd: true },
  { path: 'xgboost/model.bin', format: 'xgboost-binary', kind: 'model-data-only', strictEnd: true },
  { path: 'lightgbm/model.txt', format: 'lightgbm', kind: 'model-data-only', strictEnd: false },
  { path: 'openvino/openvino_model.xml', format: 'openvino-ir', kind: 'model-data-only', strictEnd: false },
  { path: 'git-clone/dotgit/index', format: 'git-index', kind: 'repository-internal', strictEnd: true },
  { path: 'git-clone/dotgit/objects/info/commit-graph', format: 'git-commit-graph', kind: 'repository-internal', strictEnd: true },
  { path: 'git-clone/model.safetensors', format: 'git-lfs-pointer', kind: 'repository-internal', strictEnd: true },
  { path: 'macos/.DS_Store', format: 'ds-store', kind: 'repository-internal', strictEnd: false },
];

const read = (p: string, set = 'benign-breadth'): Uint8Array => new Uint8Array(readFileSync(fixture(set, p)));

describe('inert recognisers (shared cases over the breadth set)', () => {
  for (const c of CASES) {
    describe(c.path, () => {
      const bytes = read(c.path, c.set);
      it('is clean, with its format and kind, and says why', async () => {
        const r = await scanBuffer(bytes, c.path);
        assert.equal(r.verdict, 'clean', r.reason);
        assert.equal(r.format, c.format);
        assert.equal(r.kind, c.kind);
        assert.ok(r.reason.length > 20);
      });
      it('is not clean when cut short', async () => {
        for (const frac of [0.5, 0.9]) {
          const cut = bytes.subarray(0, Math.floor(bytes.length * frac));
          const r = await scanBuffer(cut, c.path);
          assert.notEqual(r.verdict, 'clean', `cut to ${cut.length} of ${bytes.length}`);
        }
      });
      if (c.strictEnd) {
        it('is not clean with bytes appended', async () => {
          const r = await scanBuffer(concat(bytes, [0x01, 0x02, 0x03]), c.path);
          assert.notEqual(r.verdict, 'clean');
        });
      }
      it('never crashes on flipped bytes', async () => {
        await flipsNeverCrash(bytes, c.path, { runs: 15, slowRuns: 500, seed: 24 });
      });
    });
  }
});

describe('the pickle guard', () => {
  const payload = new TextEncoder().encode("cposix\nsystem\n(S'true modelguard-fixture'\ntR.");
  it('a protocol-0 pickle that also passes for a recognised format is analysed as the pickle', async () => {
    // An LFS pointer text after a pickle's opcodes would not be identified; a pickle in front of a WAV is still the pickle.
    const r = await scanBuffer(concat(payload, read('dataset/audio/speech-pcm16.wav')), 'x.wav');
    assert.equal(r.verdict, 'malicious');
  });
  it('breaksAsPickle: RIFF, PNG, msgpack maps and git commits break; GLOBAL with a dotted name acts', async () => {
    const { breaksAsPickle } = await import('../../../src/formats/inert.js');
    const { BufferSource } = await import('../../../src/bytes/source.js');
    for (const p of ['dataset/audio/speech-pcm16.wav', 'dataset/images/figure.png', 'spacy/ner/model', 'xgboost/model.ubj']) {
      assert.equal(breaksAsPickle(new BufferSource(read(p))), true, p);
    }
    assert.equal(breaksAsPickle(new BufferSource(new TextEncoder().encode('commit 173\0tree 4b82'))), true);
    assert.equal(breaksAsPickle(new BufferSource(payload)), false);
    assert.equal(breaksAsPickle(new BufferSource(Uint8Array.from([0x80, 0x02, 0x63, ...new TextEncoder().encode('os\nsystem\n')]))), false);
    // A BMP's `BM` is a BINBYTES longer than the file: the load runs out of bytes before anything acts.
    assert.equal(breaksAsPickle(new BufferSource(Uint8Array.from([0x42, 0x4d, 0x36, 0x03, 0, 0, 0, 0, 0, 0]))), true);
    // A valid stream longer than the walk's bound is undecided: handed to the pickle scanner.
    assert.equal(breaksAsPickle(new BufferSource(new Uint8Array(1_000_001).fill(0x4e))), false);
  });
});

describe('malicious twins of data containers', () => {
  for (const name of ['malicious__arrow-py-extension-type.arrow', 'malicious__msgpack-numpy-object-array.msgpack']) {
    it(`${name} is malicious`, async () => {
      const r = await scanBuffer(new Uint8Array(readFileSync(fixture('inert', name))), name);
      assert.equal(r.verdict, 'malicious');
      assert.ok(r.findings.some((f) => f.rule === 'pickle/dangerous-global'));
    });
  }
});

if (SLOW) console.log('SLOW=1: 500 flip cases per recogniser');
