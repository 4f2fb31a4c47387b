/** The rescan rule (pipeline/rescan-rule.ts) over every state and verdict it distinguishes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reportRules, rescanAction, type RescanFacts } from '../../src/server/pipeline/rescan-rule.js';

const base: RescanFacts = { state: 'published', oldVerdict: 'clean', newVerdict: 'clean', newRules: [], released: undefined, servedClean: true };
const act = (f: Partial<RescanFacts>): string => rescanAction({ ...base, ...f });

describe('rescan rule', () => {
  it('keeps a published artifact that still passes, withdraws one that does not', () => {
    assert.equal(act({}), 'kept');
    assert.equal(act({ newVerdict: 'malicious', newRules: ['x/y'] }), 'quarantined');
    assert.equal(act({ newVerdict: 'unscannable' }), 'quarantined');
    assert.equal(act({ servedClean: false }), 'quarantined');
    assert.equal(act({ newVerdict: 'suspicious', newRules: ['a/b'] }), 'held');
  });

  it("keeps a reviewer's release for exactly the findings it covered", () => {
    assert.equal(act({ oldVerdict: 'suspicious', newVerdict: 'suspicious', newRules: ['a/b'], released: ['a/b', 'c/d'] }), 'kept');
    assert.equal(act({ oldVerdict: 'suspicious', newVerdict: 'suspicious', newRules: ['a/b', 'e/f'], released: ['a/b'] }), 'held');
    // A release covers suspicious findings only: a malicious one withdraws whatever was released.
    assert.equal(act({ oldVerdict: 'suspicious', newVerdict: 'malicious', newRules: ['a/b'], released: ['a/b'] }), 'quarantined');
    assert.equal(act({ state: 'quarantined', oldVerdict: 'malicious', newVerdict: 'suspicious', newRules: ['a/b'], released: ['a/b'] }), 'requeued');
  });

  it('follows the new verdict for a held artifact no reviewer decided on', () => {
    const held = { state: 'held', oldVerdict: 'suspicious' } as const;
    assert.equal(act({ ...held, newVerdict: 'clean' }), 'requeued');
    assert.equal(act({ ...held, newVerdict: 'suspicious', newRules: ['a/b'] }), 'unchanged');
    assert.equal(act({ ...held, newVerdict: 'malicious' }), 'quarantined');
  });

  it('lifts only a quarantine its verdict caused', () => {
    const q = { state: 'quarantined' } as const;
    assert.equal(act({ ...q, oldVerdict: 'malicious', newVerdict: 'clean' }), 'requeued');
    assert.equal(act({ ...q, oldVerdict: 'unscannable', newVerdict: 'suspicious', newRules: ['a/b'] }), 'held');
    assert.equal(act({ ...q, oldVerdict: 'malicious', newVerdict: 'unscannable' }), 'unchanged');
    assert.equal(act({ ...q, oldVerdict: 'clean', newVerdict: 'clean' }), 'unchanged');
    assert.equal(act({ ...q, oldVerdict: 'suspicious', newVerdict: 'clean' }), 'unchanged');
    assert.equal(act({ ...q, oldVerdict: null, newVerdict: 'clean' }), 'unchanged');
  });

  it('leaves an artifact the pipeline is working on alone', () => {
    assert.equal(act({ state: 'queued', newVerdict: 'malicious' }), 'unchanged');
    assert.equal(act({ state: 'processing', newVerdict: 'clean' }), 'unchanged');
  });

  it('collects the rule ids above info, once each, sorted', () => {
    assert.deepEqual(
      reportRules([
        {
          findings: [
            { rule: 'z/z', severity: 'suspicious' },
            { rule: 'a/a', severity: 'malicious' },
            { rule: 'i/i', severity: 'info' },
          ],
        },
        { findings: [{ rule: 'z/z', severity: 'suspicious' }] },
      ]),
      ['a/a', 'z/z'],
    );
  });
});
