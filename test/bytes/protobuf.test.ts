/** The lazy protobuf wire reader: field walking, bounds, groups, hostile varints. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferSource } from '../../src/bytes/source.js';
import { ModelguardError } from '../../src/errors.js';
import { wireBytes, wireCursor, wireFields, wireString, wireVarint, type WireField } from '../../src/bytes/protobuf.js';
import type { WindowCursor } from '../../src/bytes/window.js';

const src = (...b: number[]): WindowCursor => wireCursor(new BufferSource(Uint8Array.from(b)));
const all = (s: WindowCursor): WireField[] => [...wireFields(s, 0, s.end, 'test')];

function code(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return e instanceof ModelguardError ? e.code : `other: ${String(e)}`;
  }
}

describe('fields', () => {
  it('walks varint, fixed, and length-delimited fields in order', () => {
    const s = src(0x08, 0x96, 0x01, 0x15, 1, 2, 3, 4, 0x19, 1, 2, 3, 4, 5, 6, 7, 8, 0x22, 2, 0x61, 0x62);
    const f = all(s);
    assert.deepEqual(
      f.map((x) => [x.no, x.wire]),
      [
        [1, 0],
        [2, 5],
        [3, 1],
        [4, 2],
      ],
    );
    assert.equal(f[0]?.varint, 150n);
    assert.deepEqual([f[3]?.at, f[3]?.length], [19, 2]);
  });
  it('skips groups, nested ones too', () => {
    // field 5 group { field 1 varint; field 6 group { } } then field 2 varint
    const f = all(src(0x2b, 0x08, 0x01, 0x33, 0x34, 0x2c, 0x10, 0x07));
    assert.deepEqual(
      f.map((x) => x.no),
      [2],
    );
  });
  it('reads 64-bit varints exactly', () => {
    const s = src(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
    assert.equal(wireVarint(s, 0, s.end, 't').value, 2n ** 64n - 1n);
  });
});

describe('hostile input', () => {
  it('a length past the message is E_TRUNCATED before any read', () => {
    // field 1, LEN 2^40
    assert.equal(
      code(() => all(src(0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20))),
      'E_TRUNCATED',
    );
  });
  it('a length over 2^53 is E_MALFORMED', () => {
    assert.equal(
      code(() => all(src(0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f))),
      'E_MALFORMED',
    );
  });
  it('an 11-byte varint is E_MALFORMED, a cut one E_TRUNCATED', () => {
    assert.equal(
      code(() => all(src(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01))),
      'E_MALFORMED',
    );
    assert.equal(
      code(() => all(src(0x08, 0xff, 0xff))),
      'E_TRUNCATED',
    );
  });
  it('field number 0 and wire types 6 and 7 are E_MALFORMED', () => {
    assert.equal(
      code(() => all(src(0x00, 0x01))),
      'E_MALFORMED',
    );
    assert.equal(
      code(() => all(src(0x0e))),
      'E_MALFORMED',
    );
    assert.equal(
      code(() => all(src(0x0f))),
      'E_MALFORMED',
    );
  });
  it('an end-group without a start, or a mismatched one, is E_MALFORMED', () => {
    assert.equal(
      code(() => all(src(0x0c))),
      'E_MALFORMED',
    );
    assert.equal(
      code(() => all(src(0x0b, 0x14))),
      'E_MALFORMED',
    );
  });
  it('an unterminated group is E_TRUNCATED', () => {
    assert.equal(
      code(() => all(src(0x0b, 0x08, 0x01))),
      'E_TRUNCATED',
    );
  });
  it('groups nested past the bound are E_LIMIT, not a stack overflow', () => {
    const deep = wireCursor(new BufferSource(new Uint8Array(100_000).fill(0x0b)));
    assert.equal(
      code(() => all(deep)),
      'E_LIMIT',
    );
  });
  it('a fixed64 cut short is E_TRUNCATED', () => {
    assert.equal(
      code(() => all(src(0x09, 1, 2, 3))),
      'E_TRUNCATED',
    );
  });
});

describe('windowed reads', () => {
  it('reads fields across window boundaries and larger than a window', () => {
    // field 1: 65,520 bytes of filler; field 2: 100,000 bytes; field 3: a string after both
    const body = (n: number): Uint8Array => new Uint8Array(n).map((_, i) => (i * 7) & 0xff);
    const len = (n: number): number[] => {
      const out: number[] = [];
      for (let v = n; ; v >>>= 7) {
        if (v < 0x80) return [...out, v];
        out.push((v & 0x7f) | 0x80);
      }
    };
    const a = body(65_520);
    const b = body(100_000);
    const bytes = Uint8Array.from([0x0a, ...len(a.length), ...a, 0x12, ...len(b.length), ...b, 0x1a, 2, 0x68, 0x69]);
    const w = wireCursor(new BufferSource(bytes));
    const f = all(w);
    assert.deepEqual(
      f.map((x) => x.no),
      [1, 2, 3],
    );
    assert.deepEqual(wireBytes(w, f[1]!), b);
    assert.deepEqual(wireBytes(w, f[0]!), a);
    assert.equal(wireString(w, f[2]!), 'hi');
  });
});
