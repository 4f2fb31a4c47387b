/**
 * Payloads that library code calls later (issue 13, bypass classes 2 and 3)
 * and the benign objects whose stored callables are inert (issue 14): every
 * fixture from test/fixtures/generate/implicit_calls.py and inert_uses.py
 * gets the verdict its name states and fires the rules its manifest names;
 * every malicious one was verified by its generator, which loaded it with the
 * real loader in the sandbox (and performed the ordinary use that triggers it)
 * and saw the marker file appear. A manifest rule `a|b` means either.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanFile } from '../../../src/scan/scan-file.js';
import { fixture, rules } from '../../helpers.js';

interface Entry {
  verdict: string;
  loader: string;
  then: string | null;
  mechanism: string;
  rules: string[];
  globals: string[];
  sandbox?: { marker: boolean | null; error: string | null; then_error: string | null };
}

for (const dir of ['implicit-calls', 'inert-uses']) {
  const manifest = JSON.parse(readFileSync(fixture(dir, 'manifest.json'), 'utf8')) as Record<string, Entry>;
  describe(`${dir} fixtures`, () => {
    it('has fixtures, and every malicious one ran in the sandbox when generated', () => {
      const names = Object.keys(manifest);
      assert.ok(names.length > 0);
      for (const [name, e] of Object.entries(manifest)) {
        assert.ok(name.startsWith(`${e.verdict}__`), name);
        if (e.verdict === 'malicious') assert.equal(e.sandbox?.marker, true, `${name}: the payload did not create the marker`);
        if (e.verdict === 'clean' && e.sandbox !== undefined) assert.equal(e.sandbox.marker, false, `${name}: a benign file created the marker`);
      }
    });
    for (const [name, want] of Object.entries(manifest)) {
      it(`${name} (${want.mechanism})`, async () => {
        const r = await scanFile(fixture(dir, name), { displayName: name });
        const summary = r.findings.map((f) => `${f.severity} ${f.rule} ${f.global ?? ''}: ${f.message}`).join('\n');
        assert.equal(r.verdict, want.verdict, summary);
        // `a|b`: either rule (a derived denylist may name a payload before the slot model does).
        for (const rule of want.rules)
          assert.ok(
            rule.split('|').some((x) => rules(r.findings).includes(x)),
            `${rule} missing:\n${summary}`,
          );
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
