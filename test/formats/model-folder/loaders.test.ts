/**
 * Repository code imported by loaders other than transformers' auto_map:
 * diffusers (model_index.json), sentence-transformers (modules.json),
 * transformers pipeline() (custom_pipelines) and custom_generate.
 * Fixtures: scripts/remote-code/loaders.py; hostile folders built here.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../../../src/findings/finding.js';
import { scanPaths } from '../../../src/scan/directory.js';
import { fixtureDir } from '../helpers.js';

const base = fixtureDir('remote-code');

async function scan(dir: string): Promise<{ verdict: string; code: Finding[]; others: Finding[] }> {
  const r = await scanPaths([dir], { jobs: 1 });
  const root = (r.models ?? []).find((m) => m.path === '.');
  assert.ok(root, 'the folder is summarised as a model');
  return {
    verdict: root.verdict,
    code: root.findings.filter((f) => f.rule === 'model/remote-code'),
    others: root.findings.filter((f) => f.rule !== 'model/remote-code' && f.severity !== 'info'),
  };
}

function folder(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mg-loaders-'));
  for (const [rel, data] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), data);
  }
  return dir;
}

const SD_INDEX = {
  _class_name: 'StableDiffusionPipeline',
  _diffusers_version: '0.21.4',
  feature_extractor: ['transformers', 'CLIPImageProcessor'],
  safety_checker: ['stable_diffusion', 'StableDiffusionSafetyChecker'],
  scheduler: ['diffusers', 'PNDMScheduler'],
  text_encoder: ['transformers', 'CLIPTextModel'],
  tokenizer: ['transformers', 'CLIPTokenizer'],
  unet: ['diffusers', 'UNet2DConditionModel'],
  vae: ['diffusers', 'AutoencoderKL'],
};
const ST_MODULES = [
  { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
  { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
];

describe('loader code: fixtures (scripts/remote-code/loaders.py)', () => {
  for (const name of [
    'diffusers-custom-components',
    'diffusers-community-pipeline',
    'st-custom-module',
    'transformers-custom-pipeline',
    'transformers-custom-generate',
  ]) {
    it(`benign ${name}: suspicious for its code only, never malicious`, async () => {
      const r = await scan(join(base, 'benign', name));
      assert.equal(r.verdict, 'suspicious');
      assert.ok(r.code.length > 0);
      for (const f of r.code) assert.equal(f.severity, 'suspicious', f.message);
      assert.deepEqual(r.others, []);
    });
  }

  const atLoad: [string, RegExp][] = [
    ['diffusers-pipeline-module-top', /pipeline_tiny\.py line \d+: calls os\.system/],
    ['diffusers-unet-init-downloads', /unet\/tiny_unet\.py line \d+ \(TinyUNet2DModel\.__init__, run at load\)/],
    ['diffusers-sibling-spawns', /unet\/blocks\.py line \d+: calls subprocess\.Popen/],
    ['diffusers-pipeline-init-writes-bashrc', /pipeline\.py line \d+ \(ScheduledImg2ImgPipeline\.__init__, run at load\)/],
    ['diffusers-library-shadowed', /unet\/diffusers\.py line \d+: calls os\.system/],
    ['st-load-execs-base64', /custom_st\.py line \d+ \(WeightedMeanPooling\.load, run at load\)/],
    ['st-init-os-system', /custom_st\.py line \d+ \(WeightedMeanPooling\.__init__, run at load\)/],
    ['st-sibling-socket', /pooling_utils\.py line \d+: calls socket\.create_connection/],
    ['pipeline-sanitize-spawns', /custom_pipeline\.py line \d+ \(PairClassificationPipeline\._sanitize_parameters, run at load\)/],
    ['custom-generate-module-top', /custom_generate\/generate\.py line \d+: calls os\.system/],
  ];
  for (const [name, where] of atLoad) {
    it(`malicious ${name}: the sink is named with file, line and why`, async () => {
      const r = await scan(join(base, 'malicious', name));
      assert.equal(r.verdict, 'malicious');
      const bad = r.code.filter((f) => f.severity === 'malicious');
      assert.equal(bad.length, 1, r.code.map((f) => f.message).join('\n'));
      assert.match(bad[0]?.message ?? '', where);
    });
  }

  const later: [string, RegExp][] = [
    ['diffusers-unet-forward', /not run at load: TinyUNet2DModel\.forward \(line \d+\) calls os\.system/],
    ['st-forward', /not run at load: WeightedMeanPooling\.forward \(line \d+\) calls os\.system/],
    ['custom-generate-in-generate', /not run at load: generate \(line \d+\) calls os\.system/],
  ];
  for (const [name, note] of later) {
    it(`later ${name}: suspicious, named as not run at load`, async () => {
      const r = await scan(join(base, 'later', name));
      assert.equal(r.verdict, 'suspicious');
      assert.ok(r.code.every((f) => f.severity === 'suspicious'));
      assert.ok(
        r.code.some((f) => note.test(f.message)),
        r.code.map((f) => f.message).join('\n'),
      );
    });
  }
});

describe('loader code: ordinary folders stay clean', () => {
  it('a diffusers folder naming only library classes has no code finding', async () => {
    const r = await scan(folder({ 'model_index.json': JSON.stringify(SD_INDEX), 'unet/config.json': '{"_class_name": "UNet2DConditionModel"}' }));
    assert.deepEqual(r.code, []);
    assert.equal(r.verdict, 'clean');
  });
  it('a sentence-transformers folder naming only sentence_transformers modules has no code finding', async () => {
    const r = await scan(folder({ 'modules.json': JSON.stringify(ST_MODULES), 'config.json': '{"model_type": "bert"}', '1_Pooling/config.json': '{}' }));
    assert.deepEqual(r.code, []);
    assert.equal(r.verdict, 'clean');
  });
  it('a python file beside a diffusers folder that no name leads to is not judged as loader code', async () => {
    const r = await scan(folder({ 'model_index.json': JSON.stringify(SD_INDEX), 'train.py': 'import os\nos.system("make")\n' }));
    assert.deepEqual(r.code, []);
  });
});

describe('loader code: names the loader follows that the scan cannot read are never clean', () => {
  it('_class_name ["module", "Class"] with no module.py: diffusers fetches a community pipeline or repository', async () => {
    const r = await scan(folder({ 'model_index.json': JSON.stringify({ ...SD_INDEX, _class_name: ['lpw_stable_diffusion', 'LPWPipeline'] }) }));
    assert.equal(r.verdict, 'suspicious');
    assert.match(r.code[0]?.message ?? '', /lpw_stable_diffusion\.py is not in the folder/);
  });
  it('a component module climbing out of the folder', async () => {
    const r = await scan(folder({ 'model_index.json': JSON.stringify({ ...SD_INDEX, unet: ['../../../tmp/evil', 'UNet'] }) }));
    assert.equal(r.verdict, 'suspicious');
    assert.match(r.code[0]?.message ?? '', /outside the model folder/);
  });
  it('a modules.json type whose module is missing, or in another repository', async () => {
    const modules = [
      ...ST_MODULES,
      { idx: 2, name: '2', path: '2_X', type: 'custom_missing.Module' },
      { idx: 3, name: '3', path: '', type: 'org/repo--st_code.Module' },
    ];
    const r = await scan(folder({ 'modules.json': JSON.stringify(modules), 'config.json': '{}' }));
    assert.equal(r.verdict, 'suspicious');
    assert.match(r.code[0]?.message ?? '', /custom_missing\.py is not in the folder/);
    assert.match(r.code[0]?.message ?? '', /code from repository org\/repo/);
  });
  it('a named module that is not Python the analyser can read', async () => {
    const r = await scan(
      folder({
        'modules.json': JSON.stringify([{ idx: 0, name: '0', path: '', type: 'custom_st.Mod' }]),
        'custom_st.py': 'class Mod(:\n    pass\n',
      }),
    );
    assert.notEqual(r.verdict, 'clean');
    assert.equal(r.code[0]?.severity, 'suspicious');
    assert.match(r.code[0]?.message ?? '', /custom_st\.py could not be read as Python/);
  });
  it('a modules.json folder without config.json is still a model folder', async () => {
    const r = await scan(folder({ 'modules.json': JSON.stringify([{ type: 'mod.Cls' }]), 'mod.py': 'import os\nos.system("id")\n' }));
    assert.equal(r.verdict, 'malicious');
  });
  it('custom_pipelines naming a module the folder lacks', async () => {
    const r = await scan(folder({ 'config.json': JSON.stringify({ custom_pipelines: { 'my-task': { impl: 'my_pipe.MyPipeline', pt: [] } } }) }));
    assert.equal(r.verdict, 'suspicious');
    assert.match(r.code[0]?.message ?? '', /my_pipe\.py is not in the folder/);
  });
  it('auto_map in video_preprocessor_config.json and modular_config.json is followed', async () => {
    for (const cfg of ['video_preprocessor_config.json', 'modular_config.json']) {
      const r = await scan(
        folder({
          'config.json': '{}',
          [cfg]: JSON.stringify({ auto_map: { AutoVideoProcessor: 'video_proc.VP', ModularPipelineBlocks: 'video_proc.VP' } }),
          'video_proc.py': 'import subprocess\nsubprocess.run(["id"])\nclass VP: pass\n',
        }),
      );
      assert.equal(r.verdict, 'malicious', cfg);
    }
  });
});

describe('loader code: bounded', () => {
  it('a modules.json with 100000 entries is read up to its limit', async () => {
    const many = Array.from({ length: 100_000 }, (_, i) => ({ idx: i, name: String(i), path: '', type: `m${i}.C` }));
    const r = await scan(folder({ 'modules.json': JSON.stringify(many), 'config.json': '{}' }));
    assert.equal(r.verdict, 'suspicious');
    assert.ok((r.code[0]?.message.length ?? 0) < 20_000);
  });
  it('a model_index.json with 100000 components is read up to its limit', async () => {
    const index: Record<string, unknown> = { _class_name: 'X' };
    for (let i = 0; i < 100_000; i++) index[`c${i}`] = [`m${i}`, 'C'];
    index['c5'] = ['m5', 'C'];
    const r = await scan(folder({ 'model_index.json': JSON.stringify(index), 'c5/m5.py': 'class C: pass\n' }));
    assert.equal(r.verdict, 'suspicious');
  });
});

describe('hand-written code calling a base constructor explicitly', () => {
  it('nn.Module.__init__(self) and DiffusionPipeline.__init__(self) are judged as constructing the class', async () => {
    const r = await scan(
      folder({
        'model_index.json': JSON.stringify({ _class_name: ['pipe', 'P'], unet: ['diffusers', 'UNet2DModel'] }),
        'pipe.py':
          'from diffusers import DiffusionPipeline\nfrom torch import nn\n\nclass P(DiffusionPipeline):\n    def __init__(self, unet):\n        DiffusionPipeline.__init__(self)\n        nn.Module.__init__(self)\n        self.register_modules(unet=unet)\n',
      }),
    );
    assert.equal(r.verdict, 'suspicious', r.code.map((f) => f.message).join('\n'));
  });
  it('a sink class constructed through __init__ stays a sink', async () => {
    const r = await scan(
      folder({
        'modules.json': JSON.stringify([{ type: 'mod.M' }]),
        'mod.py':
          'import subprocess\n\nclass M:\n    def __init__(self):\n        p = object.__new__(subprocess.Popen)\n        subprocess.Popen.__init__(p, ["id"])\n',
      }),
    );
    assert.equal(r.verdict, 'malicious');
    assert.match(r.code[0]?.message ?? '', /mod\.py line 6 \(M\.__init__, run at load\): calls subprocess\.Popen\.__init__/);
  });
  it('if __name__ == "__main__": blocks do not run when a loader imports the module', async () => {
    const r = await scan(
      folder({
        'config.json': '{}',
        'custom_generate/generate.py': 'import os\n\ndef generate(model, ids):\n    return ids\n\nif __name__ == "__main__":\n    os.system("make demo")\n',
      }),
    );
    assert.equal(r.verdict, 'suspicious');
    const r2 = await scan(folder({ 'config.json': '{}', 'custom_generate/generate.py': 'import os\n\nif __name__ != "__main__":\n    os.system("id")\n' }));
    assert.equal(r2.verdict, 'malicious');
  });
});
