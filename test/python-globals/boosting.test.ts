/**
 * The boosting allowlist: XGBoost estimators pickled by the real library,
 * LightGBM and CatBoost ones rebuilt from what their sources pickle, are
 * clean; each malicious twin (a payload in the estimator's state) is
 * malicious. Names outside the exact entries stay unknown.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../src/scan/engine.js';
import { fixture } from '../helpers.js';

describe('gradient-boosting estimators', () => {
  const names = readdirSync(fixture('boosting'));
  it('has clean fixtures and malicious twins', () => {
    assert.ok(names.filter((n) => n.startsWith('clean__')).length >= 5);
    assert.ok(names.filter((n) => n.startsWith('malicious__')).length >= 3);
  });
  for (const n of names) {
    it(`${n} is ${n.split('__')[0] ?? ''}`, async () => {
      const r = await scanBuffer(new Uint8Array(readFileSync(fixture('boosting', n))), n);
      assert.equal(r.verdict, n.split('__')[0], r.reason);
    });
  }
  it('only the exact names are allowed: a sibling in the same module is not', async () => {
    const p = new TextEncoder().encode('\x80\x02cxgboost.core\nDMatrix\n)\x81}b.');
    const r = await scanBuffer(p, 'x.pkl');
    assert.notEqual(r.verdict, 'clean');
  });
});
