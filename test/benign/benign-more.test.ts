/**
 * What training runs and repositories write besides weights
 * (scripts/benign-more/generate.py writes test/fixtures/benign-more with
 * the real libraries): Trainer and Lightning checkpoints, scikit-learn
 * pipelines, SciPy sparse matrices, diffusers and sentence-transformers
 * folders, tokenizer files, notebooks, PDFs, scripts. Every file and every
 * model folder is clean; `npm run eval` prints the same.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertAllClean } from './all-clean.js';
import { scanFile } from '../../src/scan/scan-file.js';
import { ROOT } from '../formats/helpers.js';

const DIR = join(ROOT, 'test', 'fixtures', 'benign-more');

/** Files whose classes the set must keep (a regenerated set that lost one would pass vacuously). */
const MUST_HOLD = [
  'trainer-run/checkpoint-500/optimizer.pt',
  'trainer-run/checkpoint-500/scheduler.pt',
  'trainer-run/checkpoint-500/rng_state.pth',
  'trainer-run/checkpoint-500/scaler.pt',
  'lightning/checkpoints/epoch=3-step=400.ckpt',
  'lightning/checkpoints/last.ckpt',
  'sklearn/pipeline.joblib',
  'sklearn/column-transformer.joblib',
  'sklearn/text-classifier.pkl',
  'sklearn/features.npz',
  'sklearn/features-csr.joblib',
  'sklearn/search/grid-default.joblib',
  'sklearn/search/grid-fbeta.pkl',
  'diffusion-pipeline/model_index.json',
  'sentence-transformer/2_Dense/pytorch_model.bin',
  'tokenizers/cl100k_like.tiktoken',
  'notebooks/finetune.ipynb',
  'docs/model-card.pdf',
  'arrays/embeddings.h5',
  'data/shard-000.jsonl.lz4',
];

describe('benign training and repository content', () => {
  it('every file and every model folder is clean', async () => {
    await assertAllClean(DIR, MUST_HOLD, 50, 4);
  });
});

describe('fitted scikit-learn searches', () => {
  it('a scorer whose function is not a metric (a file reader) is not clean', async () => {
    const r = await scanFile(join(ROOT, 'test', 'fixtures', 'sklearn-search-twins', 'malicious__grid-scorer-load-files.joblib'));
    assert.equal(r.verdict, 'malicious');
    assert.ok(r.findings.some((f) => (f.global ?? '').startsWith('sklearn.datasets.')));
  });
});
