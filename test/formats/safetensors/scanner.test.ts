import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanFile } from '../../../src/scan/scan-file.js';
import { fixture, outcomeFixtures, ruleSeverities } from '../helpers.js';

describe('safetensors fixtures', () => {
  for (const { name, expected } of outcomeFixtures('safetensors', '.safetensors')) {
    it(`${name} is ${expected}`, async () => {
      const r = await scanFile(fixture('safetensors', name));
      assert.equal(r.format, 'safetensors');
      assert.equal(r.verdict, expected, ruleSeverities(r).join(', '));
      if (expected !== 'clean') assert.ok(r.findings.every((f) => f.rule === 'safetensors/malformed' && f.severity === 'malicious'));
    });
  }

  it('reports tensor count, dtypes and parameters of a valid file', async () => {
    const r = await scanFile(fixture('safetensors', 'clean__small-model.safetensors'));
    assert.equal(r.info['tensors'], 6);
    assert.deepEqual(r.info['dtypes'], ['BOOL', 'F16', 'F32', 'I64']);
    assert.equal(r.info['parameters'], 4 * 3 * 3 * 3 + 4 + 8 * 4 + 1 + 3);
    assert.equal(r.info['metadata keys'], 2);
  });

  it('treats code-like text in __metadata__ as plain strings', async () => {
    const r = await scanFile(fixture('safetensors', 'clean__scary-metadata-strings.safetensors'));
    assert.equal(r.verdict, 'clean');
    assert.deepEqual(r.findings, []);
  });

  it('locates a violation at the offending key', async () => {
    const r = await scanFile(fixture('safetensors', 'malicious__duplicate-keys.safetensors'));
    const dup = r.findings.find((f) => /duplicate key/.test(f.message));
    assert.ok(dup);
    assert.ok((dup.location.offset ?? 0) > 8);
  });
});
