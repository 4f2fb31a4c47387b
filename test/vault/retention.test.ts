import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VaultEntry } from '../../src/vault/manifest.js';
import { parseName } from '../../src/vault/meta.js';
import { decide, parseKeepBest, parseKeepEvery } from '../../src/vault/retention.js';
import { code } from './helpers.js';

function entry(
  file: string,
  step: number | undefined,
  minute: number,
  metrics: Record<string, number> = {},
  state: VaultEntry['state'] = 'verified',
): VaultEntry {
  return {
    file,
    source: file,
    kind: 'file',
    fingerprint: file,
    plaintextBytes: 1,
    ciphertextBytes: 1,
    ciphertextSha256: '',
    archivedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
    ...(step === undefined ? {} : { step }),
    metrics,
    state,
  };
}

const E = [
  entry('s100', 100, 0, { eval_loss: 0.9 }),
  entry('s200', 200, 10, { eval_loss: 0.4 }),
  entry('s300', 300, 20, { eval_loss: 0.6 }),
  entry('s400', 400, 30, { eval_loss: 0.5 }),
  entry('s500', 500, 40),
];

const names = (xs: readonly VaultEntry[]): string[] => xs.map((e) => e.file);

describe('parseName', () => {
  it('reads steps and metrics from common layouts', () => {
    assert.deepEqual(parseName('checkpoint-1200'), { step: 1200, metrics: {} });
    assert.deepEqual(parseName('epoch=3-step=1200.ckpt'), { step: 1200, epoch: 3, metrics: {} });
    assert.deepEqual(parseName('epoch=3-step=1200-val_loss=0.12.ckpt'), { step: 1200, epoch: 3, metrics: { val_loss: 0.12 } });
    assert.deepEqual(parseName('global_step500'), { step: 500, metrics: {} });
    assert.deepEqual(parseName('last.ckpt'), { metrics: {} });
  });
});

describe('retention', () => {
  it('without rules prunes nothing', () => {
    assert.deepEqual(decide(E, {}).prune, []);
  });
  it('keep-last N keeps the N most recent', () => {
    assert.deepEqual(names(decide(E, { keepLast: 2 }).prune), ['s100', 's200', 's300']);
  });
  it('keep-every steps keeps multiples, plus the newest', () => {
    assert.deepEqual(names(decide(E, { keepEverySteps: 200 }).prune), ['s100', 's300']);
  });
  it('keep-every duration keeps the first of each window', () => {
    // Windows of 25 minutes from the first copy: s100 opens the first, s400 the second.
    assert.deepEqual(names(decide(E, { keepEveryMs: 25 * 60_000 }).prune), ['s200', 's300']);
  });
  it('keep-best keeps the best by the metric, skipping entries without it', () => {
    assert.deepEqual(names(decide(E, { keepBest: { metric: 'eval_loss', mode: 'min', count: 2 } }).prune), ['s100', 's300']);
    assert.deepEqual(names(decide(E, { keepBest: { metric: 'eval_loss', mode: 'max', count: 1 } }).prune), ['s200', 's300', 's400']);
  });
  it('never prunes the newest verified copy, nor entries mid-protocol', () => {
    const xs = [...E, entry('s600', 600, 50, {}, 'pending'), entry('s700', 700, 60, {}, 'deleting-plaintext')];
    const d = decide(xs, { keepLast: 1 });
    assert.deepEqual(names(d.prune), ['s100', 's200', 's300', 's400']);
    assert.ok(d.keep.some((k) => k.entry.file === 's500' && k.reasons.includes('newest')));
  });
  it('parses its options strictly', () => {
    assert.deepEqual(parseKeepEvery('1000'), { keepEverySteps: 1000 });
    assert.deepEqual(parseKeepEvery('6h'), { keepEveryMs: 6 * 3_600_000 });
    assert.equal(
      code(() => parseKeepEvery('0')),
      'E_USAGE',
    );
    assert.equal(
      code(() => parseKeepEvery('6 hours')),
      'E_USAGE',
    );
    assert.deepEqual(parseKeepBest('eval_loss'), { metric: 'eval_loss', mode: 'min', count: 1 });
    assert.deepEqual(parseKeepBest('accuracy:3'), { metric: 'accuracy', mode: 'max', count: 3 });
    assert.equal(
      code(() => parseKeepBest('acc:best')),
      'E_USAGE',
    );
  });
});
