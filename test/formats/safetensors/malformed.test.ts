/**
 * One describe per way to break safetensors; the hostile bytes are built here.
 * Every one must be a `safetensors/malformed` finding with severity malicious.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concat, has, ruleSeverities, scanBytes, text, u64le } from '../helpers.js';

/** A file with this header text (not padded) and `data` bytes after it. */
function st(header: string | Uint8Array, data: Uint8Array | number = 0): Uint8Array {
  const h = typeof header === 'string' ? text(header) : header;
  const d = typeof data === 'number' ? new Uint8Array(data) : data;
  return concat(u64le(h.length), h, d);
}

const T = (name: string, dtype: string, shape: number[], b: number, e: number): string =>
  `${JSON.stringify(name)}:{"dtype":"${dtype}","shape":${JSON.stringify(shape)},"data_offsets":[${b},${e}]}`;

async function assertMalformed(bytes: Uint8Array): Promise<void> {
  const r = await scanBytes(bytes);
  assert.equal(r.verdict, 'malicious', ruleSeverities(r).join(', '));
  assert.ok(has(r, 'safetensors/malformed', 'malicious'), ruleSeverities(r).join(', '));
}

describe('sanity: a minimal valid file is clean', () => {
  it('passes', async () => {
    const r = await scanBytes(st(`{${T('w', 'F32', [2], 0, 8)}}`, 8));
    assert.equal(r.verdict, 'clean', ruleSeverities(r).join(', '));
  });
});

describe('header length over the 100 MB limit', () => {
  it('is malformed without reading the header', () => assertMalformed(concat(u64le(200_000_000), text('{"w":{}}'))));
});

describe('header length past the end of the file', () => {
  it('is malformed', () => assertMalformed(concat(u64le(1000), text('{"w":{}}'))));
});

describe('header length of 2^64-1', () => {
  it('is malformed', () => assertMalformed(concat(u64le((1n << 64n) - 1n), text('{}'))));
});

describe('header not starting with {', () => {
  it('is malformed', () => assertMalformed(st(' {}     ')));
});

describe('invalid UTF-8 in the header', () => {
  it('rejects invalid bytes', () => assertMalformed(st(concat(text('{"w'), [0xff, 0xfe], text(`":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`)), 1)));
  it('rejects overlong encodings', () => assertMalformed(st(concat(text('{"'), [0xc0, 0xaf], text('":1}')))));
  it('rejects encoded surrogates', () => assertMalformed(st(concat(text('{"'), [0xed, 0xa0, 0x80], text('":1}')))));
});

describe('JSON syntax errors', () => {
  it('rejects a trailing comma', () => assertMalformed(st(`{${T('w', 'U8', [1], 0, 1)},}`, 1)));
  it('rejects a lone surrogate escape', () => assertMalformed(st(`{"\\ud800":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, 1)));
  it('rejects tensor info that is not an object', () => assertMalformed(st('{"w": [1, 2]}')));
});

describe('duplicate tensor names', () => {
  it('is malformed even with identical entries', () => assertMalformed(st(`{${T('w', 'U8', [1], 0, 1)},${T('w', 'U8', [1], 0, 1)}}`, 1)));
});

describe('duplicate fields inside one tensor', () => {
  it('is malformed', () => assertMalformed(st('{"w":{"dtype":"U8","dtype":"F32","shape":[1],"data_offsets":[0,1]}}', 1)));
});

describe('unknown or missing tensor fields', () => {
  it('rejects an extra field', () => assertMalformed(st('{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":1}}', 1)));
  it('rejects a missing field', () => assertMalformed(st('{"w":{"dtype":"U8","shape":[1]}}', 1)));
});

describe('unknown dtype', () => {
  it('is malformed', () => assertMalformed(st(`{${T('w', 'OBJECT', [1], 0, 8)}}`, 8)));
});

describe('shape x dtype size differs from the byte range', () => {
  it('is malformed', () => assertMalformed(st(`{${T('w', 'F32', [3], 0, 8)}}`, 8)));
});

describe('shape product overflowing 64 bits', () => {
  it('is malformed', () => assertMalformed(st(`{${T('w', 'F32', [4294967296, 4294967296, 2], 0, 8)}}`, 8)));
});

describe('sub-byte dtype with a partial byte', () => {
  it('is malformed (F4 with an odd element count)', () => assertMalformed(st(`{${T('w', 'F4', [3], 0, 2)}}`, 2)));
  it('accepts F4 with an even count', async () => {
    const r = await scanBytes(st(`{${T('w', 'F4', [4], 0, 2)}}`, 2));
    assert.equal(r.verdict, 'clean');
  });
});

describe('negative, fractional or huge offsets', () => {
  it('rejects a negative offset', () => assertMalformed(st('{"w":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}}', 1)));
  it('rejects a fractional shape', () => assertMalformed(st('{"w":{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}}', 1)));
  it('rejects an offset above 2^64', () => assertMalformed(st('{"w":{"dtype":"U8","shape":[1],"data_offsets":[18446744073709551616,0]}}', 1)));
  it('rejects end before begin', () => assertMalformed(st(`{${T('w', 'U8', [0], 1, 0)}}`, 1)));
});

describe('offsets past the end of the file', () => {
  it('is malformed', () => assertMalformed(st(`{${T('w', 'F32', [16], 0, 64)}}`, 32)));
});

describe('overlapping tensors', () => {
  it('is malformed', () => assertMalformed(st(`{${T('a', 'F32', [8], 0, 32)},${T('b', 'F32', [8], 16, 48)}}`, 48)));
});

describe('gap between tensors', () => {
  it('is malformed', () => assertMalformed(st(`{${T('a', 'F32', [2], 0, 8)},${T('b', 'F32', [2], 16, 24)}}`, 24)));
});

describe('bytes after the last tensor (polyglot)', () => {
  it('is malformed', () => assertMalformed(st(`{${T('a', 'F32', [2], 0, 8)}}`, concat(new Uint8Array(8), text('PK\x03\x04')))));
  it('is malformed when there are no tensors at all', () => assertMalformed(st('{}', 4)));
});

describe('__metadata__ that is not a string map', () => {
  it('rejects a number value', () => assertMalformed(st('{"__metadata__":{"a":1}}')));
  it('rejects a nested object', () => assertMalformed(st('{"__metadata__":{"a":{"b":"c"}}}')));
  it('rejects a list', () => assertMalformed(st('{"__metadata__":["a"]}')));
  it('rejects duplicate keys', () => assertMalformed(st('{"__metadata__":{"a":"1","a":"2"}}')));
});

describe('every dtype of the current crate is accepted', () => {
  for (const [dtype, bits] of [
    ['BOOL', 8],
    ['F4', 4],
    ['F6_E2M3', 6],
    ['F8_E8M0', 8],
    ['F8_E4M3FNUZ', 8],
    ['F8_E5M2FNUZ', 8],
    ['BF16', 16],
    ['C64', 64],
    ['U64', 64],
  ] as const) {
    it(dtype, async () => {
      const bytes = (8 * bits) / 8;
      const r = await scanBytes(st(`{${T('w', dtype, [8], 0, bytes)}}`, bytes));
      assert.equal(r.verdict, 'clean', ruleSeverities(r).join(', '));
    });
  }
});
