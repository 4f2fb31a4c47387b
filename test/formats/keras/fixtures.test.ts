/**
 * Every generated Keras fixture (test/fixtures/generate/keras.py: h5py and
 * zipfile writing Keras 2 and Keras 3 layouts) gets the verdict its name
 * states and fires the rules the generator recorded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanFile } from '../../../src/scan/scan-file.js';
import { expectations, fixture, rules } from '../../helpers.js';

describe('keras fixtures', () => {
  for (const [name, want] of Object.entries(expectations('keras'))) {
    it(name, async () => {
      const r = await scanFile(fixture('keras', name), { displayName: name });
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

describe('keras formats are told apart by content', () => {
  const cases: [string, string][] = [
    ['clean__sequential-mlp.h5', 'keras-h5'],
    ['clean__weights-only.h5', 'hdf5'],
    ['clean__sequential-dense.keras', 'keras-v3'],
    ['clean__sequential-model.json', 'keras-json'],
    ['malicious__lambda-behind-userblock.h5', 'keras-h5'],
  ];
  for (const [name, format] of cases) {
    it(`${name} is ${format}`, async () => {
      const r = await scanFile(fixture('keras', name));
      assert.equal(r.format, format);
    });
  }
});

describe('what a finding says', () => {
  it('a Lambda finding names the layer path and what the bytecode reaches', async () => {
    const r = await scanFile(fixture('keras', 'malicious__lambda-marshal.h5'));
    const f = r.findings.find((x) => x.rule === 'keras/lambda-bytecode');
    assert.ok(f !== undefined);
    assert.equal(f.severity, 'malicious');
    assert.match(f.message, /config\.layers\[2\]\.config\.function/);
    assert.match(f.message, /os, __import__, system/);
  });
  it('a dangerous reference names the global', async () => {
    const r = await scanFile(fixture('keras', 'malicious__function-os-system.keras'));
    assert.ok(r.findings.some((x) => x.rule === 'keras/dangerous-reference' && x.global === 'os.system'));
    assert.deepEqual(r.findings.find((x) => x.rule === 'keras/dangerous-reference')?.location.member, ['config.json']);
  });
  it('the TorchModuleWrapper archive is scanned as a PyTorch file under the layer', async () => {
    const r = await scanFile(fixture('keras', 'malicious__torch-module-wrapper.keras'));
    const p = r.findings.find((x) => x.rule === 'pickle/dangerous-global');
    assert.ok(p !== undefined);
    assert.deepEqual(p.location.member, ['config.json', '#config.layers[1].config.module', 'archive/data.pkl']);
  });
  it('a shadowed duplicate is reported, but not as a payload that runs', async () => {
    const r = await scanFile(fixture('keras', 'suspicious__duplicate-key-hides-lambda.keras'));
    const f = r.findings.find((x) => x.rule === 'keras/lambda-bytecode');
    assert.equal(f?.severity, 'suspicious');
  });
});
