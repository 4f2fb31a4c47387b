/**
 * The precision survey's committed set (scripts/benign-survey/generate.py
 * writes test/fixtures/benign-survey): ordinary files of model and data
 * set repositories and ML projects made by real tools (images of every
 * common format, audio, fonts, PDF, text in many encodings, tokenizers,
 * checkpoints, sklearn, ONNX, TensorBoard events, SQLite, Chroma, hnswlib,
 * nanoGPT, a git repository, MP4/MOV/M4A/HEIC/AVIF, zstd streams). Every file and every model folder is clean;
 * `npm run eval` prints the same.
 */
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertAllClean } from './all-clean.js';
import { ROOT } from '../formats/helpers.js';

const DIR = join(ROOT, 'test', 'fixtures', 'benign-survey');

/** Kinds the set must keep (a regenerated set that lost one would pass vacuously). */
const MUST_HOLD = [
  'images/raw.tiff',
  'images/sample.bmp',
  'images/sample.pgm',
  'figures/loss_curve.pdf',
  'assets/font.woff2',
  'docs/utf16le-bom.txt',
  'audio/cli.opus',
  'runs/Jan01_00-00-00_host/events.out.tfevents.1700000000.host.1234.0',
  'checkpoints/epoch=3-step=120.ckpt',
  'vectordb/chroma.sqlite3',
  'vectordb/3f6c1a2e-5b0d-4c41-9a57-2d0c8f1e7b44/data_level0.bin',
  'nanogpt/shakespeare_char/train.bin',
  'gitrepo/dotgit/index',
  'lfs-clone/model.safetensors.index.json',
  'media/demo.mp4',
  'media/clip.avi',
  'images/photo.heic',
  'images/photo.avif',
  'data/shard-00000.jsonl.zst',
  'data/meta.pkl.zst',
];

describe('precision survey set', () => {
  it('every file and every model folder is clean', async () => {
    await assertAllClean(DIR, MUST_HOLD, 150);
  });
});
