/**
 * Files with no header a sniffer keys on, from the real libraries
 * (scripts/benign-precision/generate.py writes test/fixtures/
 * benign-precision): FAISS and hnswlib indexes, numpy tofile dumps, ONNX
 * external data, MXNet parameters. Every file and every model folder is clean; `npm run eval` prints
 * the same.
 */
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertAllClean } from './all-clean.js';
import { ROOT } from '../formats/helpers.js';

const DIR = join(ROOT, 'test', 'fixtures', 'benign-precision');

/** Files whose classes the set must keep (a regenerated set that lost one would pass vacuously). */
const MUST_HOLD = [
  'faiss/flat-l2.faiss',
  'faiss/ivf-pq.faiss',
  'faiss/hnsw-flat.faiss',
  'faiss/binary-flat.faiss',
  'vectorstore/index.faiss',
  'vectorstore/index.pkl',
  'raw/embeddings.f32.bin',
  'raw/weights-fp16.bin',
  'onnx-external/model.onnx.data',
  'onnx-weights-bin/weights.bin',
  'hnswlib/hnswlib.bin',
  'mxnet/model-0000.params',
  'mxnet/model-symbol.json',
];

describe('benign headerless files', () => {
  it('every file and every model folder is clean', async () => {
    await assertAllClean(DIR, MUST_HOLD, 30);
  });
});
