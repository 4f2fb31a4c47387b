import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelguardError } from '../../../src/errors.js';
import { parseJsonTree } from '../../../src/bytes/strict-json.js';
import { text } from '../helpers.js';

const LIMITS = { maxDepth: 128, maxValues: 1000 };

function code(src: string, limits = LIMITS): string {
  try {
    parseJsonTree(text(src), limits);
    return 'ok';
  } catch (e) {
    if (e instanceof ModelguardError) return e.code;
    throw e;
  }
}

describe('strict JSON reader', () => {
  it('keeps duplicate keys in order with their offsets', () => {
    const v = parseJsonTree(text('{"a":1, "a":2}'), LIMITS);
    assert.equal(v.kind, 'object');
    if (v.kind !== 'object') return;
    assert.deepEqual(
      v.entries.map((e) => [e.key, e.offset]),
      [
        ['a', 1],
        ['a', 8],
      ],
    );
  });

  it('decodes escapes and surrogate pairs', () => {
    const v = parseJsonTree(text('"a\\u00e9\\ud83d\\ude00\\n\\/"'), LIMITS);
    assert.deepEqual(v, { kind: 'string', value: 'aé😀\n/', offset: 0 });
  });

  it('keeps numbers as source text', () => {
    const v = parseJsonTree(text('[18446744073709551616, -0.5e3]'), LIMITS);
    assert.ok(v.kind === 'array');
    if (v.kind === 'array')
      assert.deepEqual(
        v.items.map((i) => (i.kind === 'number' ? i.text : '')),
        ['18446744073709551616', '-0.5e3'],
      );
  });

  for (const [what, src] of [
    ['trailing comma', '{"a":1,}'],
    ['leading zero', '[01]'],
    ['lone leading surrogate', '"\\ud800"'],
    ['lone trailing surrogate', '"\\udc00"'],
    ['control character in string', '"a\tb"'],
    ['NaN', '[NaN]'],
    ['comment', '{/* x */}'],
    ['single quotes', "{'a':1}"],
    ['unknown escape', '"\\x41"'],
    ['garbage after the value', '{} x'],
    ['unterminated string', '{"a'],
    ['bare fraction', '[1.]'],
    ['missing exponent digits', '[1e]'],
  ] as const) {
    it(`rejects ${what}`, () => {
      assert.equal(code(src), 'E_MALFORMED');
    });
  }

  it('accepts trailing whitespace like serde_json', () => {
    assert.equal(code('{}  \n\t\r'), 'ok');
  });

  it('stops at the depth limit with E_LIMIT', () => {
    assert.equal(code('['.repeat(200) + ']'.repeat(200)), 'E_LIMIT');
    assert.equal(code('['.repeat(100) + ']'.repeat(100)), 'ok');
  });

  it('stops at the value limit with E_LIMIT', () => {
    assert.equal(code(`[${'1,'.repeat(2000)}1]`), 'E_LIMIT');
  });
});
