/** The strict JSON parser: the safetensors dialect unchanged, and the Python (json.loads) dialect Keras configs need. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStrictJson, type Json } from '../../src/bytes/strict-json.js';
import { ModelguardError } from '../../src/errors.js';

/** Parsed objects have no prototype (keys like __proto__ stay data): compare as plain JSON. */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

function code(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return e instanceof ModelguardError ? e.code : 'other';
  }
}

describe('default dialect (safetensors headers)', () => {
  it('rejects duplicate keys, floats, negatives, lone surrogates and deep nesting as malformed', () => {
    assert.equal(
      code(() => parseStrictJson('{"a":1,"a":2}')),
      'E_MALFORMED',
    );
    assert.equal(
      code(() => parseStrictJson('{"a":1.5}')),
      'E_MALFORMED',
    );
    assert.equal(
      code(() => parseStrictJson('[-1]')),
      'E_MALFORMED',
    );
    assert.equal(
      code(() => parseStrictJson('["\\ud800"]')),
      'E_MALFORMED',
    );
    assert.equal(
      code(() => parseStrictJson('NaN')),
      'E_MALFORMED',
    );
    assert.equal(
      code(() => parseStrictJson('['.repeat(40) + ']'.repeat(40))),
      'E_MALFORMED',
    );
  });
  it('parses a header', () => {
    assert.deepEqual(plain(parseStrictJson('{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}')), {
      w: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
    });
  });
});

describe('python dialect (json.loads)', () => {
  const py = (t: string, extra: object = {}): Json => parseStrictJson(t, { python: true, maxDepth: 64, ...extra });
  it('accepts what json.loads accepts: any number, NaN and the infinities, lone surrogates', () => {
    assert.deepEqual(py('[-1, 2.5e-3, 1E+2, 0]'), [-1, 0.0025, 100, 0]);
    const v = py('[NaN, Infinity, -Infinity]') as number[];
    assert.ok(Number.isNaN(v[0]));
    assert.equal(v[1], Infinity);
    assert.equal(v[2], -Infinity);
    assert.deepEqual(py('["\\ud800x"]'), ['\ud800x']);
  });
  it('keeps the last duplicate like Python and hands over the shadowed value', () => {
    const shadowed: [string, Json][] = [];
    const v = py('{"a": {"x": 1}, "a": 2}', { onDuplicate: (k: string, s: Json) => shadowed.push([k, s]) });
    assert.deepEqual(plain(v), { a: 2 });
    assert.deepEqual(plain(shadowed), [['a', { x: 1 }]]);
  });
  it('a __proto__ key is data, not the prototype', () => {
    const v = py('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.deepEqual(Object.keys(v), ['__proto__']);
  });
  it('rejects what json.loads rejects', () => {
    for (const bad of ['{"a":1,}', "{'a':1}", '[01]', '[1.]', '["\t"]', '{"a" 1}', '[1] x', '+1', 'nan']) {
      assert.equal(
        code(() => py(bad)),
        'E_MALFORMED',
        bad,
      );
    }
  });
  it('bounds depth and size with E_LIMIT', () => {
    assert.equal(
      code(() => py('['.repeat(100) + ']'.repeat(100))),
      'E_LIMIT',
    );
    assert.equal(
      code(() => py(`[${'0,'.repeat(99)}0]`, { maxValues: 50 })),
      'E_LIMIT',
    );
  });
  it('a deep document fails fast without a stack overflow', () => {
    const t = '['.repeat(1_000_000);
    const started = performance.now();
    assert.equal(
      code(() => parseStrictJson(t, { python: true, maxDepth: 512 })),
      'E_LIMIT',
    );
    assert.ok(performance.now() - started < 2000);
  });
});
