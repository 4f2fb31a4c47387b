import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { scanDirectory } from '../../src/scan/directory.js';
import { parseModule } from '../../src/python/parser.js';
import { analyseModule } from '../../src/python/analyse.js';
import { loadPhases } from '../../src/python/load-phase.js';
import { configTest, trustedConfig } from '../../src/python/config-branches.js';
import { parseExpression } from '../../src/python/parser.js';
import { Policy } from '../../src/python-globals/policy.js';
import { getProfile } from '../../src/python-globals/profiles.js';
import { fixtureDir } from '../formats/helpers.js';

// Fixtures: scripts/remote-code/generate.py (realistic remote-code repositories and one-edit hostile twins).
const base = fixtureDir('remote-code');
const repos = (group: string) => readdirSync(join(base, group)).sort();
const remote = (r: Awaited<ReturnType<typeof scanDirectory>>) => (r.models ?? []).flatMap((m) => m.findings.filter((f) => f.rule === 'model/remote-code'));

describe('remote-code repositories: benign code is suspicious for trust_remote_code only, never malicious', () => {
  for (const name of repos('benign')) {
    it(name, async () => {
      const r = await scanDirectory(join(base, 'benign', name));
      assert.deepEqual(
        r.files.filter((f) => f.verdict !== 'clean').map((f) => f.path),
        [],
      );
      const found = remote(r);
      assert.ok(found.length > 0);
      for (const f of found) assert.equal(f.severity, 'suspicious', f.message);
      for (const m of r.models ?? []) for (const f of m.findings) assert.ok(f.rule === 'model/remote-code' || f.severity === 'info', f.rule);
    });
  }
});

describe('remote-code twins: a hostile edit in code run at load is malicious', () => {
  for (const name of repos('malicious')) {
    it(name, async () => {
      const r = await scanDirectory(join(base, 'malicious', name));
      assert.ok(
        remote(r).some((f) => f.severity === 'malicious'),
        remote(r)
          .map((f) => f.message)
          .join('\n'),
      );
      assert.ok((r.models ?? []).some((m) => m.verdict === 'malicious'));
    });
  }
  it('a hostile edit in forward (run only when called) is not clean and is named as not run at load', async () => {
    const r = await scanDirectory(join(base, 'later', 'forward-os-system'));
    const found = remote(r);
    assert.ok(found.every((f) => f.severity === 'suspicious'));
    assert.ok(found.some((f) => /not run at load: QWenAttention\.forward \(line \d+\) calls os\.system/.test(f.message)));
  });
});

describe('load phases', () => {
  const policy = new Policy(getProfile('default'));
  const phases = (src: string, config: Record<string, unknown> = {}) => {
    const mod = parseModule(src);
    const p = loadPhases([mod], [true], () => undefined, config);
    const a = analyseModule(mod, { policy, strict: false });
    return a.findings
      .filter((f) => f.severity === 'malicious')
      .map((f) => `${f.in ?? '<module>'}:${f.def === undefined || p.defs.has(f.def) ? 'load' : 'later'}`)
      .sort();
  };

  it('__init__, _init_weights, properties and what they mention run at load; save_vocabulary and forward do not', () => {
    const src = [
      'import os, subprocess',
      'class T:',
      '    def __init__(self):',
      '        self._setup()',
      '    def _setup(self):',
      '        open("x", "w")',
      '    @property',
      '    def vocab(self):',
      '        os.remove("y")',
      '    def save_vocabulary(self, d):',
      '        open(os.path.join(d, "v"), "w")',
      '    def forward(self, x):',
      '        subprocess.run(["id"])',
      '    def __call__(self, x):',
      '        subprocess.run(["id"])',
    ].join('\n');
    assert.deepEqual(phases(src), ['T.__call__:later', 'T._setup:load', 'T.forward:later', 'T.save_vocabulary:later', 'T.vocab:load']);
  });
  it('a computed getattr at load makes every method count as run at load', () => {
    const src = 'import os\nclass C:\n    def __init__(self, n):\n        getattr(self, n)()\n    def later(self):\n        os.system("id")\n';
    assert.deepEqual(phases(src), ['C.later:load']);
  });
  it('functions handed to a thread or registry at module level run at load', () => {
    const src = 'import os, threading\ndef beacon():\n    os.system("id")\nthreading.Thread(target=beacon).start()\n';
    assert.deepEqual(phases(src), ['beacon:load']);
  });
  it('a branch that the folder config rules out does not pull its import in at load', () => {
    const mods = [
      parseModule('class A:\n    def __init__(self, config):\n        if config.use_kernel and config.other:\n            from .kernels import k\n'),
      parseModule('x = 1\n'),
    ];
    const resolve = (_: number, rel: string) => (rel === 'kernels' ? 1 : undefined);
    assert.equal(loadPhases(mods, [true, false], resolve, { use_kernel: false }).modules.has(1), false);
    assert.equal(loadPhases(mods, [true, false], resolve, { use_kernel: true, other: 1 }).modules.has(1), true);
    assert.equal(loadPhases(mods, [true, false], resolve, {}).modules.has(1), true);
  });
});

describe('hand-written code: library calls judged by their arguments', () => {
  const policy = new Policy(getProfile('default'));
  const sinks = (src: string) =>
    analyseModule(parseModule(src), { policy, strict: false })
      .findings.filter((f) => f.severity === 'malicious')
      .map((f) => f.call);

  it('dataclasses, torch.jit.script and inspect.signature on the code itself are inert', () => {
    assert.deepEqual(sinks('from dataclasses import dataclass\n@dataclass\nclass O:\n    a: int = 1\n'), []);
    assert.deepEqual(sinks('import torch\n@torch.jit.script\ndef f(x: torch.Tensor) -> torch.Tensor:\n    return x\n'), []);
    assert.deepEqual(sinks('import inspect\ndef f(a):\n    pass\nok = "a" in inspect.signature(f).parameters\n'), []);
    assert.deepEqual(sinks('import logging\nlogging.basicConfig(level=logging.INFO)\nlogger = logging.getLogger(__name__)\n'), []);
    assert.deepEqual(sinks('import os\nhere = os.path.dirname(__file__)\nv = os.__version__ if hasattr(os, "__version__") else None\n'), []);
  });
  it('with other arguments they stay sinks', () => {
    assert.ok(sinks('import inspect\ninspect.signature(f, eval_str=True)\n').includes('inspect.signature'));
    assert.ok(sinks('import logging\nlogging.basicConfig(filename="/tmp/x.log")\n').includes('logging.basicConfig'));
    assert.ok(sinks('import dataclasses\ndataclasses.dataclass(make())\n').includes('dataclasses.dataclass'));
    // torch.jit evaluates function type comments, which the analyser does not read: the decorator stays a sink.
    const typed = 'import torch\n@torch.jit.script\ndef f(x):  # type: (int) -> int\n    return x\n';
    const a = analyseModule(parseModule(typed), { policy, strict: false, typeComments: true });
    assert.ok(a.findings.some((f) => f.severity === 'malicious' && f.call === 'torch.jit.script'));
  });
  it('names a star import binds are looked up in the module', () => {
    assert.ok(sinks('from subprocess import *\nrun(["id"])\n').includes('subprocess.run'));
    assert.ok(sinks('from os import *\nsystem("id")\n').includes('os.system'));
    assert.deepEqual(sinks('from math import *\nx = sqrt(2)\n'), []);
  });
  it('a string annotation is read as the expression torch.jit or get_type_hints would evaluate', () => {
    assert.ok(sinks("import typing\ndef f(x: \"__import__('os').system('id')\"):\n    pass\ntyping.get_type_hints(f)\n").includes('os.system'));
  });
  it('reading files with codecs.open, Path.open, numpy.loadtxt and fromfile is a read; writing or fetching a URL is not', () => {
    assert.deepEqual(
      sinks(
        'import codecs, numpy as np\nfrom pathlib import Path\ncodecs.open("v.txt", "r", "utf-8")\nPath("x").open()\nPath("x").open("rb")\nnp.loadtxt("a.txt")\nnp.fromfile("b.bin")\n',
      ),
      [],
    );
    const bad = sinks(
      'import codecs, numpy as np\nfrom pathlib import Path\nPath("y").open("w")\ncodecs.open("z", "w", "utf-8")\nnp.loadtxt("https://e.invalid/x")\n',
    );
    assert.equal(bad.length, 3, bad.join());
  });
  it('torch.load of a file is a read; of bytes the code carries, a payload loader', () => {
    assert.deepEqual(sinks('import torch\nsd = torch.load("pytorch_model.bin", map_location="cpu")\n'), []);
    assert.ok(sinks('import torch, io, base64\nx = torch.load(io.BytesIO(base64.b64decode("AAAA")))\n').includes('torch.load'));
    assert.ok(sinks('import pickle\npickle.loads(b"cos\\nsystem\\n")\n').includes('pickle.loads'));
  });
});

describe('config branches', () => {
  const test = (src: string, config: Record<string, unknown>) => configTest(parseExpression(src), config);
  it('reads tests made of config flags the file sets, and nothing else', () => {
    assert.equal(test('config.a and config.b', { a: false }), false);
    assert.equal(test('self.config.a or config.b', { a: false, b: 0 }), false);
    assert.equal(test('not config.a', { a: false }), true);
    assert.equal(test('getattr(config, "a", False)', { a: false }), false);
    assert.equal(test('config.kind == "x"', { kind: 'y' }), false);
    assert.equal(test('config.a', {}), undefined);
    assert.equal(test('config.a and other', { a: true }), undefined);
    assert.equal(test('config.a', { a: { nested: 1 } }), undefined);
  });
  it('a config value the code overrides is not trusted', () => {
    const cfg = { flag: false, kept: false };
    const own = parseModule(
      'class C(PretrainedConfig):\n    def __init__(self, flag=False, kept=False):\n        self.flag = True\n        self.kept = kept\n',
    );
    assert.deepEqual(trustedConfig([own], cfg), { kept: false });
    const elsewhere = parseModule('def f(config):\n    config.kept = True\n');
    assert.deepEqual(trustedConfig([elsewhere], cfg), { flag: false });
    assert.deepEqual(trustedConfig([parseModule('setattr(c, name, True)\n')], cfg), {});
    // A module's own attribute of the same name (not the config's) does not matter.
    assert.deepEqual(trustedConfig([parseModule('class A(nn.Module):\n    def __init__(self, config):\n        self.flag = config.flag or 1\n')], cfg), cfg);
  });
});
