/** A Hugging Face style folder is summarised as one model with folder-level checks. */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderText } from '../../src/report/text.js';
import { scanPaths } from '../../src/scan/directory.js';
import { fixture } from '../helpers.js';

function hfFolder(weightMap: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mg-hf-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ architectures: ['Net'], hidden_size: 4 }));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 512 }));
  writeFileSync(join(dir, 'README.md'), '# a model\n');
  cpSync(fixture('torch', 'clean__state-dict-zip.pt'), join(dir, 'pytorch_model-00001-of-00002.bin'));
  cpSync(fixture('torch', 'clean__state-dict-protocol4.pt'), join(dir, 'pytorch_model-00002-of-00002.bin'));
  writeFileSync(join(dir, 'pytorch_model.bin.index.json'), JSON.stringify({ metadata: { total_size: 1 }, weight_map: weightMap }));
  return dir;
}

describe('model folders', () => {
  it('an auto_map pointing at repository code is a suspicious folder finding naming the modules', async () => {
    const dir = hfFolder({ 'a.weight': 'pytorch_model-00001-of-00002.bin', 'b.weight': 'pytorch_model-00002-of-00002.bin' });
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ architectures: ['Net'], auto_map: { AutoConfig: 'configuration_net.NetConfig', AutoModel: 'modeling_net.NetModel' } }),
    );
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ auto_map: { AutoTokenizer: ['other-org/tok--tokenization_x.XTokenizer', null] } }));
    writeFileSync(join(dir, 'modeling_net.py'), 'import torch\nclass NetModel: pass\n');
    const r = await scanPaths([dir], { jobs: 1 });
    const found = (r.models?.[0]?.findings ?? []).filter((f) => f.rule === 'model/remote-code');
    assert.equal(found.length, 2);
    assert.match(
      found[0]?.message ?? '',
      /modeling_net\.py, .*configuration_net\.py \(not in the folder\)|configuration_net\.py \(not in the folder\), modeling_net\.py/,
    );
    assert.match(found[1]?.message ?? '', /tokenization_x from repository other-org\/tok/);
    assert.equal(r.models?.[0]?.verdict, 'suspicious');
  });

  it('a clean sharded folder is one clean model with a per-file table', async () => {
    const dir = hfFolder({ 'a.weight': 'pytorch_model-00001-of-00002.bin', 'b.weight': 'pytorch_model-00002-of-00002.bin' });
    const r = await scanPaths([dir], { jobs: 1 });
    assert.equal(r.verdict, 'clean');
    const m = r.models?.[0];
    assert.equal(m?.kind, 'huggingface');
    assert.equal(m?.files.length, 6);
    assert.deepEqual(m?.findings, []);
    assert.match(renderText(r, { color: false, verbose: false, quiet: false }), /Model folder \. \(huggingface, 6 files\): CLEAN/);
  });
  it('an index naming a missing shard or a path outside the folder is a finding', async () => {
    const dir = hfFolder({ a: 'pytorch_model-00001-of-00002.bin', b: 'pytorch_model-00003-of-00003.bin', c: '../../etc/passwd' });
    const r = await scanPaths([dir], { jobs: 1 });
    const rules = (r.models?.[0]?.findings ?? []).map((f) => f.rule).sort();
    assert.deepEqual(rules, ['model/index-escapes-folder', 'model/missing-shard']);
    assert.equal(r.verdict, 'malicious');
  });
  it('a hostile shard makes the model malicious', async () => {
    const dir = hfFolder({ a: 'pytorch_model-00001-of-00002.bin' });
    cpSync(fixture('torch', 'malicious__datapkl-payload-injected.pt'), join(dir, 'pytorch_model-00002-of-00002.bin'));
    const r = await scanPaths([dir], { jobs: 1 });
    assert.equal(r.models?.[0]?.verdict, 'malicious');
  });
  it('nested model folders are summarised separately', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-nest-'));
    for (const sub of ['unet', 'text_encoder']) {
      mkdirSync(join(dir, sub));
      writeFileSync(join(dir, sub, 'config.json'), '{}');
      cpSync(fixture('torch', 'clean__state-dict-zip.pt'), join(dir, sub, 'diffusion_pytorch_model.bin'));
    }
    writeFileSync(join(dir, 'model_index.json'), '{"_class_name": "Pipeline"}');
    const r = await scanPaths([dir], { jobs: 1 });
    assert.deepEqual(
      r.models?.map((m) => [m.path, m.kind, m.files.length]),
      [
        ['.', 'diffusers', 1],
        ['text_encoder', 'huggingface', 2],
        ['unet', 'huggingface', 2],
      ],
    );
  });
});
