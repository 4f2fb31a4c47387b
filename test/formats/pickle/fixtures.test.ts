/**
 * Every generated fixture (real library output and hostile variants, see
 * test/fixtures/generate/) gets the verdict its name states, fires the
 * rules the generator recorded, and names the globals it recorded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanFile } from '../../../src/scan/scan-file.js';
import { expectations, fixture, rules } from '../../helpers.js';

for (const dir of ['pickle', 'torch']) {
  describe(`${dir} fixtures`, () => {
    for (const [name, want] of Object.entries(expectations(dir))) {
      it(name, async () => {
        const r = await scanFile(fixture(dir, name), { displayName: name });
        const summary = r.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`).join('\n');
        assert.equal(r.verdict, want.verdict, summary);
        for (const rule of want.rules) assert.ok(rules(r.findings).includes(rule), `${rule} missing:\n${summary}`);
        const named = r.findings.map((f) => f.global ?? '');
        for (const g of want.globals) assert.ok(named.includes(g), `${g} not named:\n${summary}`);
        assert.ok(!rules(r.findings).includes('engine/internal-error'), summary);
        if (want.verdict === 'clean')
          assert.deepEqual(
            r.findings.filter((f) => f.severity !== 'info'),
            [],
          );
      });
    }
  });
}
