/**
 * Fixtures where a container reader and the real loader disagree
 * (test/fixtures/generate/loader_differentials.py): every malicious file
 * was loaded by its real loader in the bubblewrap sandbox and ran its
 * payload (recorded in the manifest), and must be `malicious`; the benign
 * twins written by the real libraries must be `clean`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanFile } from '../../../src/scan/scan-file.js';
import { fixture, rules } from '../../helpers.js';

interface Entry {
  file: string;
  expect: 'malicious' | 'clean';
  loader?: string;
  sandbox?: { ran: boolean; marker: boolean };
}

const manifest = JSON.parse(readFileSync(fixture('differentials', 'manifest.json'), 'utf8')) as { fixtures: Entry[] };

describe('loader differentials', () => {
  it('the manifest covers zip and joblib cases, each malicious one verified by its loader', () => {
    const malicious = manifest.fixtures.filter((f) => f.expect === 'malicious');
    assert.ok(malicious.length >= 10);
    for (const f of malicious) assert.equal(f.sandbox?.ran, true, `${f.file} was not verified in the sandbox`);
    const loaders = new Set(malicious.map((f) => f.loader));
    for (const l of ['torch', 'numpy-npz', 'joblib']) assert.ok(loaders.has(l), `no fixture for ${l}`);
    assert.ok(manifest.fixtures.some((f) => f.expect === 'clean'));
  });
  for (const f of manifest.fixtures) {
    it(`${f.file} is ${f.expect}`, async () => {
      const r = await scanFile(fixture('differentials', f.file), { displayName: f.file });
      const summary = r.findings.map((x) => `${x.severity} ${x.rule}: ${x.message}`).join('\n');
      assert.equal(r.verdict, f.expect, summary);
      assert.ok(!rules(r.findings).includes('engine/internal-error'), summary);
      if (f.expect === 'clean')
        assert.deepEqual(
          r.findings.filter((x) => x.severity !== 'info'),
          [],
        );
    });
  }
  it('a zip the loaders read differently is also reported as such', async () => {
    for (const name of ['malicious__torch-eocd-in-comment.pt', 'malicious__npz-two-zip64-records.npz', 'malicious__npz-entry-count-ignored.npz']) {
      const r = await scanFile(fixture('differentials', name), { displayName: name });
      assert.ok(rules(r.findings).includes('zip/reader-disagreement'), name);
    }
  });
});
