/** The worker pool's sizing: a worker per core left idle while this thread scans, none on a busy machine. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { idleWorkers } from '../../src/scan/pool.js';

describe('idleWorkers', () => {
  it('starts one worker per idle core', () => {
    assert.equal(idleWorkers(1), 1);
    assert.equal(idleWorkers(0.9), 1);
    assert.equal(idleWorkers(3.2), 3);
  });
  it('starts none when no core is idle (a busy machine)', () => {
    assert.equal(idleWorkers(0), 0);
    assert.equal(idleWorkers(0.3), 0);
    assert.equal(idleWorkers(-0.5), 0);
  });
  it('starts none on a reading that is not a number', () => {
    assert.equal(idleWorkers(Number.NaN), 0);
    assert.equal(idleWorkers(Number.POSITIVE_INFINITY), 0);
  });
});
