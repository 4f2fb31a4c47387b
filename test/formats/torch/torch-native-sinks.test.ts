import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { scanBytes, fixture, outcomeFixtures } from '../helpers.js';
import { Policy } from '../../../src/python-globals/policy.js';
import { getProfile } from '../../../src/python-globals/profiles.js';

// Fixtures: test/fixtures/generate/torch_native_sinks.py (each created its marker file under the real loader, in the sandbox).
describe('torch._C members written in C++ that create files are denied', () => {
  for (const ext of ['.pkl', '.pt']) {
    for (const { name, expected } of outcomeFixtures('torch-native-sinks', ext)) {
      it(`${name} is ${expected}`, async () => {
        const r = await scanBytes(readFileSync(fixture('torch-native-sinks', name)), name);
        assert.equal(r.verdict, expected);
        assert.ok(r.findings.some((f) => f.rule === 'pickle/dangerous-global' && f.severity === 'malicious'));
      });
    }
  }
  it('the distributed stores are denied under the C++ module that defines them, not only as torch.distributed', () => {
    const policy = new Policy(getProfile('torch'));
    for (const [m, n] of [
      ['torch._C._distributed_c10d', 'FileStore'],
      ['torch._C._distributed_c10d', 'TCPStore'],
      ['torch._C._distributed_rpc', 'WorkerInfo'],
      ['torch', 'PyTorchFileReader'],
    ] as const) {
      assert.equal(policy.judge(m, n).kind, 'denied', `${m}.${n}`);
    }
  });
});
