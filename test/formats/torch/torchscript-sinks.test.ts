import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { scanBytes, fixture, outcomeFixtures } from '../helpers.js';
import { analyzeTorchScript } from '../../../src/formats/torch/torchscript-code.js';
import { Policy } from '../../../src/python-globals/policy.js';
import { getProfile } from '../../../src/python-globals/profiles.js';

// Fixtures: test/fixtures/generate/torchscript_sinks.py (each malicious one wrote its marker under torch.load in the sandbox).
const policy = new Policy(getProfile('torchscript'));
const sinks = (line: string) => analyzeTorchScript(`def f(self, x: Tensor) -> None:\n    ${line}\n`, policy).dangerous.map((d) => d.op);

describe('TorchScript: operators reached under the spellings torch.jit.load resolves', () => {
  for (const { name, expected } of outcomeFixtures('torchscript-sinks', '.pt')) {
    it(`${name} is ${expected}`, async () => {
      const r = await scanBytes(readFileSync(fixture('torchscript-sinks', name)), name);
      assert.equal(r.verdict, expected);
      if (expected === 'malicious') assert.ok(r.findings.some((f) => f.rule === 'torchscript/dangerous-call' && f.call === 'aten::save'));
    });
  }
  it('torch.autograd is the builtin module aten again, at any depth', () => {
    assert.deepEqual(sinks("torch.autograd.save(x, 'p')"), ['aten::save']);
    assert.deepEqual(sinks("torch.autograd.autograd.from_file('p', True, 4)"), ['aten::from_file']);
  });
  it('an operator passed as a value (fork calls it) counts like a call', () => {
    assert.deepEqual(sinks("torch.wait(fork(torch.save, x, 'p'))"), ['aten::save']);
    assert.deepEqual(sinks("fut = fork(ops.aten.save, x, 'p')"), ['aten::save']);
  });
  it('a sink operator reached through a local alias or a getattr literal is dangerous whatever the receiver', () => {
    assert.deepEqual(sinks("t = torch\n    t.save(x, 'p')"), ['aten::save']);
    assert.deepEqual(sinks("m = getattr(torch, 'autograd')\n    m.from_file('p', True, 4)"), ['aten::from_file']);
    assert.deepEqual(sinks("getattr(ops.aten, 'save')(x, 'p')"), ['aten::save']);
    assert.deepEqual(sinks("self = torch\n    self.save(x, 'p')"), ['aten::save']);
  });
  it('a parameter that is never rebound is a typed value: a method of that name on it is not an operator', () => {
    assert.deepEqual(sinks('self.store.save(x)'), []);
    assert.deepEqual(sinks('x.load(2)'), []);
    assert.deepEqual(sinks('x = torch\n    x.load(2)'), ['aten::load']);
  });
  it("the archive's class namespace is judged like torch.classes; annotations of standard types are not operators", () => {
    const a = analyzeTorchScript('def f(self, p: __torch__.torch.classes.mylib.Reader, x: torch.Tensor) -> None:\n    pass\n', policy);
    assert.ok(a.dangerous.some((d) => d.op.startsWith('__torch__.torch.classes.mylib')));
    const q = analyzeTorchScript('def f(self, p: __torch__.torch.classes.quantized.LinearPackedParamsBase, x: torch.Tensor) -> None:\n    pass\n', policy);
    assert.deepEqual(q.dangerous, []);
    assert.deepEqual([...q.ops], ['class quantized::LinearPackedParamsBase']);
  });
});
