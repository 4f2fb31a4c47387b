/**
 * Model-stealing defences: Shapiro-Wilk against SciPy's values, classifier
 * outputs reduced (no logits, rounding, top-k, label only), per-key query
 * budgets, and the PRADA monitor telling a synthetic extraction stream from
 * natural queries, end to end on a KServe route.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { shapeClassifierResponse } from '../../src/gateway/steal/classifier.js';
import { shapiroWilk } from '../../src/gateway/steal/shapiro-wilk.js';
import { ROOT } from '../helpers.js';
import { startHarness, type Harness } from './harness.js';

describe('Shapiro-Wilk', () => {
  const cases = JSON.parse(readFileSync(join(ROOT, 'test', 'gateway', 'fixtures', 'shapiro-wilk.json'), 'utf8')) as {
    name: string;
    x: number[];
    w: number;
    p: number;
  }[];
  for (const c of cases) {
    it(`matches SciPy on ${c.name}`, () => {
      const r = shapiroWilk(c.x);
      // SciPy computes in single precision.
      assert.ok(Math.abs(r.w - c.w) < 5e-6, `W ${r.w} vs ${c.w}`);
      assert.ok(Math.abs(r.p - c.p) <= Math.max(2e-3 * c.p, 1e-12), `p ${r.p} vs ${c.p}`);
    });
  }
  it('refuses fewer than 3 values and answers W = 1 for a constant sample', () => {
    assert.throws(() => shapiroWilk([1, 2]), RangeError);
    assert.deepEqual(shapiroWilk([2, 2, 2, 2]), { w: 1, p: 1 });
  });
});

describe('classifier output shaping', () => {
  const kserve = () => ({
    outputs: [
      { name: 'probabilities', datatype: 'FP32', shape: [2, 3], data: [0.1111, 0.6666, 0.2223, 0.5, 0.25, 0.25] },
      { name: 'logits', datatype: 'FP32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] },
    ],
  });
  it('drops logits, rounds, keeps the top k (KServe v2 tensors)', () => {
    const r = shapeClassifierResponse(kserve(), { labelOnly: false, topK: 1, round: 1, dropOutputs: ['logits'] });
    assert.deepEqual(r.json, { outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [2, 3], data: [0, 0.7, 0, 0.5, 0, 0] }] });
    assert.equal(r.top, '1');
  });
  it('label only: one class index per row', () => {
    const r = shapeClassifierResponse(kserve(), { labelOnly: true, topK: undefined, round: undefined, dropOutputs: ['logits'] });
    assert.deepEqual(r.json, { outputs: [{ name: 'probabilities', datatype: 'INT64', shape: [2, 1], data: [1, 0] }] });
  });
  it('label maps, scored lists and probability fields', () => {
    const c = { labelOnly: false, topK: 2, round: 2, dropOutputs: ['logits'] };
    assert.deepEqual(shapeClassifierResponse({ a: 0.111, b: 0.555, c: 0.334 }, c).json, { b: 0.56, c: 0.33 });
    assert.deepEqual(
      shapeClassifierResponse(
        [
          { label: 'NEG', score: 0.1234 },
          { label: 'POS', score: 0.8766 },
        ],
        { ...c, topK: 1 },
      ).json,
      [{ label: 'POS', score: 0.88 }],
    );
    assert.deepEqual(shapeClassifierResponse({ probabilities: [0.2, 0.8], logits: [1, 2] }, { ...c, labelOnly: true }).json, { probabilities: 1 });
    assert.deepEqual(shapeClassifierResponse({ a: 0.3, b: 0.7 }, { ...c, labelOnly: true }).json, { label: 'b' });
  });
});

describe('query budgets and extraction monitoring end to end', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      keys: [{ id: 'alice' }, { id: 'mallory' }, { id: 'carl' }],
      mutate: (c) => {
        c.routes[2].classifier = { labelOnly: true };
        c.routes[2].steal = { prada: { minQueries: 40, action: 'block' } };
        c.routes[3].steal = { queriesPerDay: 3 };
      },
    });
  });
  after(() => h.close());

  it('answers label only and never the logits', async () => {
    const r = await h.post('/v2/models/iris/infer', { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] });
    assert.deepEqual(r.json.outputs, [{ name: 'probabilities', datatype: 'INT64', shape: [1, 1], data: [1] }]);
  });
  it('enforces a per-key daily query budget on a classifier route', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await h.post('/predictions/resnet', { data: `img ${i}` }, { key: h.keys['carl'] ?? '' })).status, 200);
    const r = await h.post('/predictions/resnet', { data: 'img 4' }, { key: h.keys['carl'] ?? '' });
    assert.equal(r.status, 429);
    assert.equal(r.json.error.code, 'steal/query-budget');
  });
  it('PRADA flags and then blocks a synthetic extraction stream, not natural queries', async () => {
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const gauss = (): number => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
    const infer = (key: string, data: number[]) => h.post('/v2/models/iris/infer', { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data }] }, { key });
    const pool = [
      [5.1, 3.5, 1.4, 0.2],
      [6.7, 3.1, 4.4, 1.4],
    ];
    let blockedAt = -1;
    for (let i = 0; i < 90; i++) {
      assert.equal(
        (await infer(h.keys['alice'] ?? '', [5.8 + gauss() * 0.8, 3.0 + gauss() * 0.4, 3.7 + gauss() * 1.7, 1.2 + gauss() * 0.7])).status,
        200,
        `natural query ${i}`,
      );
      // Jacobian-style augmentation: a known point moved by a fixed step along each axis.
      const base = pool[Math.floor(rand() * pool.length)] ?? [0, 0, 0, 0];
      const next = base.map((v) => v + (rand() < 0.5 ? -0.05 : 0.05));
      pool.push(next);
      const r = await infer(h.keys['mallory'] ?? '', next);
      if (r.status === 429) {
        assert.equal(r.json.error.code, 'steal/extraction');
        blockedAt = i;
        break;
      }
    }
    assert.ok(blockedAt >= 40, `blocked after the minimum sample, at ${blockedAt}`);
    const records = await h.audit();
    const alice = records.filter((r) => r.keyId === 'alice' && r.pradaW !== undefined);
    assert.ok(alice.length > 0 && alice.every((r) => !r.rules.includes('steal/extraction')));
    assert.ok(records.some((r) => r.keyId === 'mallory' && r.rules.includes('steal/extraction')));
  });
});
