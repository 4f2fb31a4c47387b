#!/usr/bin/env node
/**
 * npm run bench:gateway-redact [-- --seed 17 --per-kind 200]
 *
 * Recall and precision of the gateway's sensitive-data recognisers on a
 * labelled set generated from a seed (test/gateway/redact-set.ts):
 * checksum-valid values in sentences (must be found), the same values with
 * a broken check digit and look-alikes such as dates, versions, hashes and
 * order numbers (must not be). Also the time per 2 KB of text.
 */
import { parseArgs } from 'node:util';
import { findSensitive } from '../build/src/gateway/redact/find.js';
import { labelledSet } from '../build/test/gateway/redact-set.js';
import { precision, recall, score } from '../build/test/gateway/redact-score.js';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '17' }, 'per-kind': { type: 'string', default: '200' } } });
const samples = labelledSet(Number(values.seed), Number(values['per-kind']));
const s = score(samples);
const pct = (x) => `${(100 * x).toFixed(2)}%`;
console.log(`sensitive-data recognisers · ${samples.length} labelled samples (seed ${values.seed})\n`);
console.log('label                            found  missed  false+  recall  precision');
for (const [label, r] of [...s.byLabel].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(
    `${label.padEnd(32)} ${String(r.tp).padStart(5)}  ${String(r.fn).padStart(6)}  ${String(r.fp).padStart(6)}  ${(r.tp + r.fn === 0 ? '-' : pct(recall(r))).padStart(6)}  ${(r.tp + r.fp === 0 ? '-' : pct(precision(r))).padStart(9)}`,
  );
}
console.log(
  `\noverall: recall ${pct(recall(s.total))}, precision ${pct(precision(s.total))} (${s.total.tp} found, ${s.total.fn} missed, ${s.total.fp} false positives)`,
);
for (const m of s.misses.slice(0, 10))
  console.log(`  miss: ${m.sample.label} ${JSON.stringify(m.sample.text.slice(0, 100))} -> ${m.found.join(', ') || 'nothing'}`);

const all = new Set(['email', 'phone', 'card', 'iban', 'national-id', 'ip', 'secret']);
const text = samples
  .map((x) => x.text)
  .join(' ')
  .slice(0, 2048);
for (let i = 0; i < 200; i++) findSensitive(text, all);
const n = 2000;
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) findSensitive(text, all);
console.log(`\ntime: ${(Number(process.hrtime.bigint() - t0) / 1e3 / n).toFixed(1)} µs per 2 KB of mixed text (all categories)`);
