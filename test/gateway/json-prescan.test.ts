/**
 * The JSON body pre-scan (depth, duplicate keys) skips strings with
 * indexOf; it must decide exactly as a scan one character at a time does,
 * on valid JSON and on garbage alike: escaped quotes, runs of backslashes,
 * unterminated strings, escaped duplicate keys (more runs under SLOW=1).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Refusal } from '../../src/gateway/errors.js';
import { parseJsonBody } from '../../src/gateway/validate/json.js';

const RUNS = process.env['SLOW'] === '1' ? 20_000 : 500;

/** The reference: the pre-scan stepping through every character, then JSON.parse. */
function reference(text: string, maxDepth: number): unknown {
  const frames: { object: boolean; keys: Set<string>; expectKey: boolean }[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const start = i++;
      let escaped = false;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') {
          escaped = true;
          i++;
        }
        i++;
      }
      i++;
      const top = frames.at(-1);
      if (top?.object === true && top.expectKey) {
        top.expectKey = false;
        let key = text.slice(start + 1, i - 1);
        if (escaped) {
          try {
            key = JSON.parse(text.slice(start, i)) as string;
          } catch {
            throw new Refusal(400, 'body/json', 'string');
          }
        }
        if (top.keys.has(key)) throw new Refusal(400, 'body/duplicate-key', 'duplicate');
        top.keys.add(key);
      }
      continue;
    }
    if (c === '{' || c === '[') {
      if (frames.length >= maxDepth) throw new Refusal(400, 'body/depth', 'depth');
      frames.push({ object: c === '{', keys: new Set(), expectKey: c === '{' });
    } else if (c === '}' || c === ']') frames.pop();
    else if (c === ',') {
      const top = frames.at(-1);
      if (top?.object === true) top.expectKey = true;
    }
    i++;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Refusal(400, 'body/json', 'syntax');
  }
}

function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    assert.ok(e instanceof Refusal, String(e));
    return { reason: e.reason };
  }
}

function assertSame(text: string, depth = 4): void {
  assert.deepEqual(
    outcome(() => parseJsonBody(text, depth)),
    outcome(() => reference(text, depth)),
    JSON.stringify(text),
  );
}

describe('JSON pre-scan', () => {
  it('decides as the one-character-at-a-time scan on chosen cases', () => {
    for (const text of [
      '{"a":1,"a":2}',
      '{"a":1,"\\u0061":2}',
      '{"a\\\\":1,"a\\\\":2}',
      '{"a\\"":1,"a\\"":2}',
      '{"x":"\\\\\\"","x":0}',
      '{"x":"\\\\","y":0}',
      '{"x":"unterminated',
      '{"x":"ends in a backslash\\',
      '{"k\\',
      '[[[[[]]]]]',
      '["[[[[[["]',
      '{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}',
      '',
      '"',
      '\\"',
    ])
      assertSame(text);
  });

  it('decides as the one-character-at-a-time scan on random JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        assertSame(JSON.stringify(v), 5);
      }),
      { numRuns: RUNS },
    );
  });

  it('decides as the one-character-at-a-time scan on random fragments', () => {
    const pieces = ['{', '}', '[', ']', '"', '\\', '\\\\', '\\"', ',', ':', 'a', 'b', '1', ' ', 'é', '"a"', '"a":1', '"\\u0061":1'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
        assertSame(parts.join(''));
      }),
      { numRuns: RUNS },
    );
  });
});
