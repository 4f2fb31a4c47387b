/**
 * Every generated TensorFlow fixture (test/fixtures/generate/tensorflow.py:
 * python3-protobuf encoding TensorFlow's own field numbers) gets the verdict
 * its name states and fires the rules the generator recorded. The SavedModel
 * directory is scanned as a directory, where data shards are credited to
 * their index.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanPaths } from '../../../src/scan/directory.js';
import { scanFile } from '../../../src/scan/scan-file.js';
import { expectations, fixture, rules } from '../../helpers.js';

const all = expectations('tensorflow');

describe('tensorflow fixtures', () => {
  for (const [name, want] of Object.entries(all)) {
    if (name.startsWith('savedmodel/')) continue;
    it(name, async () => {
      const r = await scanFile(fixture('tensorflow', name), { displayName: name });
      const summary = r.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`).join('\n');
      assert.equal(r.verdict, want.verdict, summary);
      for (const rule of want.rules) assert.ok(rules(r.findings).includes(rule), `${rule} missing:\n${summary}`);
      assert.ok(!rules(r.findings).includes('engine/internal-error'), summary);
      if (want.verdict === 'clean')
        assert.deepEqual(
          r.findings.filter((f) => f.severity !== 'info'),
          [],
        );
    });
  }
});

describe('a SavedModel directory', () => {
  it('is clean file by file, variables included', async () => {
    const report = await scanPaths([fixture('tensorflow', 'savedmodel')], { jobs: 1 });
    const byPath = new Map(report.files.map((f) => [f.path, f]));
    for (const [name, want] of Object.entries(all)) {
      if (!name.startsWith('savedmodel/')) continue;
      const f = byPath.get(name.slice('savedmodel/'.length));
      assert.ok(f !== undefined, name);
      assert.equal(f.verdict, want.verdict, `${name}: ${f.findings.map((x) => x.rule).join(', ')}`);
      for (const rule of want.rules) assert.ok(rules(f.findings).includes(rule), `${name}: ${rule}`);
    }
    assert.equal(byPath.get('variables/variables.data-00000-of-00001')?.format, 'tf-checkpoint-data');
    assert.equal(report.verdict, 'clean');
  });

  function copy(): string {
    const dir = mkdtempSync(join(tmpdir(), 'mg-savedmodel-'));
    mkdirSync(join(dir, 'variables'));
    for (const f of ['saved_model.pb', 'fingerprint.pb', 'variables/variables.index', 'variables/variables.data-00000-of-00001']) {
      copyFileSync(fixture('tensorflow', 'savedmodel', f), join(dir, f));
    }
    return dir;
  }

  it('a shard shorter than its index says is suspicious', async () => {
    const dir = copy();
    try {
      const data = readFileSync(join(dir, 'variables/variables.data-00000-of-00001'));
      writeFileSync(join(dir, 'variables/variables.data-00000-of-00001'), data.subarray(0, data.length - 4));
      const report = await scanPaths([dir], { jobs: 1 });
      const shard = report.files.find((f) => f.path.endsWith('.data-00000-of-00001'));
      assert.equal(shard?.verdict, 'suspicious');
      assert.ok(rules(shard.findings).includes('tensorflow/shard-short'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a shard without its index stays unscannable', async () => {
    const dir = copy();
    try {
      rmSync(join(dir, 'variables/variables.index'));
      const report = await scanPaths([dir], { jobs: 1 });
      assert.equal(report.files.find((f) => f.path.endsWith('.data-00000-of-00001'))?.verdict, 'unscannable');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a shard numbered beyond what the index declares stays unscannable', async () => {
    const dir = copy();
    try {
      copyFileSync(join(dir, 'variables/variables.data-00000-of-00001'), join(dir, 'variables/variables.data-00001-of-00002'));
      const report = await scanPaths([dir], { jobs: 1 });
      assert.equal(report.files.find((f) => f.path.endsWith('.data-00001-of-00002'))?.verdict, 'unscannable');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the saver decides where checkpoint ops are expected', () => {
  it('TF1 and TF2 savers are recognised, and their ops counted', async () => {
    for (const name of ['clean__saved-model-tf1.pb', 'clean__saved-model-tf2.pb']) {
      const r = await scanFile(fixture('tensorflow', name));
      assert.equal(r.verdict, 'clean', name);
      assert.equal(r.format, 'tf-saved-model');
    }
  });
  it('SaveV2 in the serving function is flagged with where it is', async () => {
    const r = await scanFile(fixture('tensorflow', 'malicious__savev2-in-serving.pb'));
    const f = r.findings.find((x) => x.rule === 'tensorflow/checkpoint-write');
    assert.match(f?.message ?? '', /__inference___call___30/);
    assert.equal(f?.global, 'tensorflow.raw_ops.SaveV2');
  });
});
