import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanBuffer } from '../../src/scan/engine.js';
import { scanDirectory } from '../../src/scan/directory.js';
import { parseModule } from '../../src/python/parser.js';
import { analyseModule } from '../../src/python/analyse.js';
import { Policy } from '../../src/python-globals/policy.js';
import { getProfile } from '../../src/python-globals/profiles.js';
import { fixture, fixtureDir } from '../formats/helpers.js';
import { dict, global, pickle, reduce, str } from '../formats/pickle/assemble.js';

const policy = new Policy(getProfile('torch'));
const analyse = (src: string, strict = false) => analyseModule(parseModule(src), { policy, strict });
const sinks = (src: string, strict = false) =>
  analyse(src, strict)
    .findings.filter((f) => f.severity === 'malicious')
    .map((f) => f.call);

describe('analyser: names resolved through imports', () => {
  it('follows aliases, from-imports, __import__, importlib and folded getattr names to the sink', () => {
    assert.deepEqual(sinks('import os as _o\n_o.system("id")'), ['os.system']);
    assert.ok(sinks('from subprocess import Popen as P\nP(["ls"])').includes('subprocess.Popen'));
    assert.ok(sinks('__import__("os").popen("id")').includes('os.popen'));
    assert.ok(sinks('import importlib\nimportlib.import_module("subprocess").run(["id"])').includes('subprocess.run'));
    assert.ok(sinks('import os\ngetattr(os, "sys" + "tem")("id")').includes('os.system'));
    assert.ok(sinks('eval("1")').includes('builtins.eval'));
    assert.ok(sinks('from pathlib import Path\nPath("x").write_text("y")').includes('pathlib.Path.write_text'));
  });
  it('a computed import or attribute name is not clean', () => {
    assert.equal(analyse('__import__(name)').findings[0]?.severity, 'malicious');
    assert.equal(analyse('import os\ngetattr(os, "".join(["sys", "tem"]))').findings[0]?.severity, 'suspicious');
  });
  it('open is judged by its mode; sinks in lambdas, defaults and f-strings count', () => {
    assert.deepEqual(sinks('open("vocab.txt", encoding="utf-8").read()'), []);
    assert.equal(sinks('open("x", "w")').length, 1);
    assert.equal(sinks('open("x", mode)').length, 1);
    assert.ok(sinks('import os\nf = lambda: os.system("id")').includes('os.system'));
    assert.ok(sinks('import os\ndef f(a=os.system): pass').includes('os.system'));
    assert.ok(sinks('import os\nx = f"{os.system(\'id\')}"').includes('os.system'));
    assert.ok(analyse('x = ().__class__.__base__.__subclasses__()').findings.some((f) => f.severity === 'malicious'));
  });
  it('ordinary model code reaches no sink', () => {
    const a = analyse(
      'import os, math, torch\nfrom torch import nn\nclass M(nn.Module):\n    def forward(self, x):\n        p = os.path.join("a", "b")\n        return torch.relu(x) * math.sqrt(2)\n',
    );
    assert.deepEqual(a.findings, []);
    assert.ok(a.calls.has('torch.relu'));
  });
});

describe('code carried inside models', () => {
  const scan = (name: string) => scanBuffer(readFileSync(fixture('python-code', name)), name);

  it('a benign fx GraphModule is clean, its code read and judged', async () => {
    const r = await scan('clean__fx-graph-module.pt');
    assert.equal(r.verdict, 'clean');
    assert.ok(r.findings.some((f) => f.rule === 'pickle/fx-code' && f.severity === 'info'));
  });
  it('an fx GraphModule whose code calls os.system is malicious, naming the call', async () => {
    const r = await scan('malicious__fx-code-os-system.pt');
    assert.equal(r.verdict, 'malicious');
    assert.ok(r.findings.some((f) => f.rule === 'pickle/fx-code' && f.severity === 'malicious' && f.call === 'os.system'));
  });
  it('TorchScript: a __setstate__ that only assigns is clean; one reaching a sink is malicious', async () => {
    const ok = await scan('clean__torchscript-setstate-assigns.pt');
    assert.equal(ok.verdict, 'clean');
    assert.ok(ok.findings.some((f) => f.rule === 'torchscript/code' && f.severity === 'info'));
    const bad = await scan('malicious__torchscript-setstate-os-system.pt');
    assert.equal(bad.verdict, 'malicious');
    assert.ok(bad.findings.some((f) => f.rule === 'torchscript/dangerous-call'));
  });
  it('auto_map remote code: the finding says what the code calls; a sink makes it malicious', async () => {
    const good = await scanDirectory(join(fixtureDir('python-code'), 'clean__auto-map'));
    const gf = good.models?.[0]?.findings.find((f) => f.rule === 'model/remote-code');
    assert.equal(gf?.severity, 'suspicious');
    assert.match(gf?.message ?? '', /calls .*torch\.tanh/);
    const bad = await scanDirectory(join(fixtureDir('python-code'), 'malicious__auto-map'));
    const bf = bad.models?.[0]?.findings.find((f) => f.rule === 'model/remote-code');
    assert.equal(bf?.severity, 'malicious');
    assert.equal(bad.models?.[0]?.verdict, 'malicious');
  });
});

describe('fx reducer: hostile bodies', () => {
  const fx = (...pairs: [Uint8Array, Uint8Array][]) =>
    scanBuffer(pickle(reduce(global('torch.fx.graph_module', 'reduce_graph_module'), dict(...pairs), str('import torch\n'))), 'fx.pkl');
  const benign = 'def forward(self, x):\n    return torch.relu(x)\n';
  const evil = 'import os\ndef forward(self, x):\n    os.system("id")\n    return x\n';

  it('a constant benign graph is clean; the same call with os.system is malicious', async () => {
    assert.equal((await fx([str('_code'), str(benign)])).verdict, 'clean');
    assert.equal((await fx([str('_code'), str(evil)])).verdict, 'malicious');
  });
  it("an empty `_code` falls back to `code`, as `body.get('_code') or body['code']` does", async () => {
    assert.equal((await fx([str('_code'), str('')], [str('code'), str(evil)])).verdict, 'malicious');
  });
  it('a later duplicate `_code` wins', async () => {
    assert.equal((await fx([str('_code'), str(benign)], [str('_code'), str(evil)])).verdict, 'malicious');
  });
  it('code that is not a constant string, or not Python, is never clean', async () => {
    const computed = await fx([str('_code'), reduce(global('builtins', 'str'), str(benign))]);
    assert.notEqual(computed.verdict, 'clean');
    const broken = await fx([str('_code'), str('def forward(self, x:\n')]);
    assert.notEqual(broken.verdict, 'clean');
    assert.ok(broken.findings.some((f) => f.rule === 'pickle/fx-code' && f.severity === 'suspicious'));
  });
  it('another tracer class stays judged as the stream stores it', async () => {
    const r = await fx([str('_code'), str(benign)], [str('_tracer_cls'), global('torch.fx.experimental.proxy_tensor', 'PythonKeyTracer')]);
    assert.notEqual(r.verdict, 'clean');
  });
});
