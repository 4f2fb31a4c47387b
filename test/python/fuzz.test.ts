import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseModule } from '../../src/python/parser.js';
import { analyseModule } from '../../src/python/analyse.js';
import { isPyReadError } from '../../src/python/errors.js';
import { Policy } from '../../src/python-globals/policy.js';
import { getProfile } from '../../src/python-globals/profiles.js';

const RUNS = process.env['SLOW'] === '1' ? 5000 : 300;
const policy = new Policy(getProfile('torch'));
const SEED =
  'import os as _o\nfrom torch import nn\nclass A(nn.Module):\n    def forward(self, x):\n        return getattr(_o, "sys" + "tem")(f"{x!r:>{3}}") if x else [y for y in x]\n';
const PIECES = [
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ':',
  '\n',
  '    ',
  '"',
  "'",
  '"""',
  'f"',
  '{',
  '\\',
  '#',
  'def ',
  'class ',
  'lambda ',
  'import ',
  'from ',
  ' as ',
  '@',
  ',',
  '*',
  '**',
  '=',
  ':=',
  'if ',
  'else ',
  'for ',
  ' in ',
  'x',
  '1',
  '.',
  'getattr',
  'os',
  'system',
  '\t',
  '\r',
];

/** Parsing and analysing any text either succeeds or throws the reader's typed errors. */
function check(src: string): void {
  try {
    analyseModule(parseModule(src), { policy, strict: true });
  } catch (e) {
    assert.ok(isPyReadError(e), `untyped error ${String(e)} for ${JSON.stringify(src.slice(0, 200))}`);
  }
}

describe('python reader fuzz', () => {
  it('never throws untyped errors on token soup', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 80 }), (xs) => {
        check(xs.join(''));
      }),
      { numRuns: RUNS },
    );
  });
  it('never throws untyped errors on mutations of real code', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(SEED.length), fc.nat(4), fc.string({ maxLength: 4 })), { maxLength: 6 }), (edits) => {
        let s = SEED;
        for (const [at, del, ins] of edits) s = s.slice(0, at) + ins + s.slice(at + del);
        check(s);
      }),
      { numRuns: RUNS },
    );
  });
  it('never throws untyped errors on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        check(s);
      }),
      { numRuns: RUNS },
    );
  });
});
