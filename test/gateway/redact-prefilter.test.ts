/**
 * The recognisers' cheap preconditions (`minDigits`, `minRun`, `hint`) only
 * skip texts in which no value could be accepted: every recogniser finds
 * exactly what it finds without them, on the labelled set and on random
 * texts built from the pieces values are made of (more runs under SLOW=1).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RECOGNISERS } from '../../src/gateway/redact/find.js';
import { runRecogniser, shapeOf, type Recogniser, type SensitiveMatch } from '../../src/gateway/redact/recogniser.js';
import { labelledSet } from './redact-set.js';

const RUNS = process.env['SLOW'] === '1' ? 20_000 : 400;

/** The same recogniser without its preconditions: the pattern, validator and context decide alone. */
function unfiltered(r: Recogniser): Recogniser {
  return {
    category: r.category,
    type: r.type,
    pattern: r.pattern,
    ...(r.fit === undefined ? {} : { fit: r.fit }),
    ...(r.validate === undefined ? {} : { validate: r.validate }),
    ...(r.context === undefined ? {} : { context: r.context }),
    ...(r.contextWindow === undefined ? {} : { contextWindow: r.contextWindow }),
  };
}

function run(r: Recogniser, text: string): SensitiveMatch[] {
  const out: SensitiveMatch[] = [];
  runRecogniser(r, text, out);
  return out;
}

function assertSame(text: string): void {
  for (const r of RECOGNISERS) assert.deepEqual(run(r, text), run(unfiltered(r), text), `${r.type} on ${JSON.stringify(text.slice(0, 80))}`);
}

describe('recogniser preconditions', () => {
  it('count digits and the longest token run in one pass', () => {
    assert.deepEqual(shapeOf(''), { digits: 0, longestRun: 0 });
    assert.deepEqual(shapeOf('ab 12-3_x/y+z= é 7'), { digits: 4, longestRun: 11 });
    assert.deepEqual(shapeOf('٣٤ ４５'), { digits: 0, longestRun: 0 });
  });

  it('change nothing on the labelled set', () => {
    const samples = labelledSet(17, 40);
    assert.ok(samples.length > 1000);
    for (const s of samples) assertSame(s.text);
    // And joined, as several values in one longer text.
    for (let i = 0; i < samples.length; i += 25)
      assertSame(
        samples
          .slice(i, i + 25)
          .map((s) => s.text)
          .join(' '),
      );
  });

  it('change nothing on random texts made of value pieces', () => {
    const pieces = [
      ...'0123456789'.split(''),
      ...'abcXYZ'.split(''),
      ' ',
      '-',
      '.',
      ':',
      '/',
      '+',
      '_',
      '=',
      '@',
      '\n',
      'é',
      'AKIA',
      'ASIA',
      'ghp_',
      'github_pat_',
      'xoxb-',
      'sk-',
      'sk_live_',
      'AIza',
      'eyJ',
      'eyJhbGciOiJIUzI1NiJ9',
      '-----BEGIN PRIVATE KEY-----',
      'https://hooks.slack.com/services/',
      'AB',
      'DE89',
      'GB82WEST',
      '4111',
      '1111',
      '078-05-1120',
      '131052-308T',
      'RSSMRA85T10A562S',
      '192.168.',
      'ffff',
      '::',
      'tel ',
      'phone: ',
      '+44 ',
      'ssn ',
      'BSN ',
      'PESEL ',
      'personnummer ',
      'national number ',
      'aws secret key ',
      'token: ',
      'example.com',
      'Q7w9E2r4T6y8U1i3O5p7A9s2D4f6G8h1J3k5L7z9',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 60 }), (parts) => {
        assertSame(parts.join(''));
      }),
      { numRuns: RUNS },
    );
  });
});
