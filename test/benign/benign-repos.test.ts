/**
 * The public benign repository set (scripts/benign/generate.py writes it
 * into test/fixtures/benign-repos): every file and every folder of these
 * ordinary model repositories is clean. `npm run eval` prints the same.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanPaths } from '../../src/scan/directory.js';
import { ROOT } from '../formats/helpers.js';

const DIR = join(ROOT, 'test', 'fixtures', 'benign-repos');

/** Files whose classes the set must keep (a regenerated set that lost one would pass vacuously). */
const MUST_HOLD = [
  'vit-cats-dogs/labels.txt',
  'training-run/accelerate_config.yaml',
  'training-run/checkpoint-100/latest',
  'training-run/model.py',
  'training-run/launch.js',
  'training-run/train.log',
  'training-run/device.txt',
  'training-run/__init__.py',
  'tiny-gpt2/LICENSE',
  'tiny-gpt2/merges.txt',
  'tiny-llama-chat/tokenizer.model',
  'tiny-llama-chat/model.safetensors.index.json',
  'bert-multilingual-sentiment/README.md',
  'model-cards/legacy/README.ja.shift_jis.txt',
  'model-cards/unicode/README.utf16le.txt',
  'model-cards/long/4byte-cut3.txt',
  'safetensors-header-lengths/header-384.safetensors',
  'vit-cats-dogs/examples/cat.png',
];

describe('public benign repositories', () => {
  it('every file is clean', async () => {
    const r = await scanPaths([DIR], {});
    assert.ok(r.files.length >= 100, `${r.files.length} files`);
    for (const f of MUST_HOLD) assert.ok(existsSync(join(DIR, f)), f);
    const flagged = r.files.filter((f) => f.verdict !== 'clean').map((f) => `${f.path}: ${f.format} ${f.verdict} ${f.findings.map((x) => x.rule).join(',')}`);
    assert.deepEqual(flagged, []);
  });
  it('every model folder is clean', async () => {
    const r = await scanPaths([DIR], {});
    const models = r.models ?? [];
    assert.ok(models.length >= 5, `${models.length} model folders`);
    assert.deepEqual(
      models.filter((m) => m.verdict !== 'clean').map((m) => `${m.path}: ${m.verdict}`),
      [],
    );
    assert.equal(r.verdict, 'clean');
  });
});
