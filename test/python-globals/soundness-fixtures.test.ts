/**
 * Malicious pickles for bypass classes 1 and 5 (test/fixtures/generate/
 * soundness_names.py): each was loaded by the real loader inside the
 * bubblewrap sandbox and its payload ran (recorded in manifest.json); each
 * must come out malicious, naming the global that does it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanFile } from '../../src/scan/scan-file.js';
import { fixture } from '../helpers.js';

interface Entry {
  loader: string;
  class: number;
  technique: string;
  expected: string;
  verified: { ran: boolean; marker: boolean; process_events: unknown[] };
}

const DIR = ['pickle', 'soundness-names'];
const manifest = JSON.parse(readFileSync(fixture(...DIR, 'manifest.json'), 'utf8')) as Record<string, Entry>;

describe('issue 13 fixtures: names (classes 1 and 5)', () => {
  it('covers both classes', () => {
    const classes = new Set(Object.values(manifest).map((e) => e.class));
    assert.deepEqual([...classes].sort(), [1, 5]);
    assert.ok(Object.keys(manifest).length >= 12);
  });
  for (const [name, e] of Object.entries(manifest)) {
    it(`${name}: ${e.technique}`, async () => {
      assert.ok(e.verified.ran && (e.verified.marker || e.verified.process_events.length > 0), 'verified in the sandbox');
      const r = await scanFile(fixture(...DIR, name), { displayName: name });
      const summary = r.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`).join('\n');
      assert.equal(r.verdict, e.expected, summary);
      assert.ok(
        r.findings.some((f) => f.severity === 'malicious' && f.rule === 'pickle/dangerous-global'),
        summary,
      );
    });
  }
});
