/**
 * The writer against the specification: a reader written here from the spec
 * alone (independent of the project's strict reader), byte-level layout
 * checks, and the strict reader's refusals.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BufferSource } from '../../src/bytes/source.js';
import { readSafetensorsStrict } from '../../src/convert/safetensors/strict-reader.js';
import { serializeSafetensors } from '../../src/convert/safetensors/writer.js';
import { SAFETENSORS_DTYPE_SIZE, type SafetensorsDtype } from '../../src/convert/dtypes.js';

/** Straight from the README's "Format" section. */
function specRead(b: Uint8Array): { meta: unknown; tensors: Record<string, { dtype: string; shape: number[]; data: Uint8Array }> } {
  const n = Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true));
  const header = new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(8, 8 + n));
  assert.equal(header[0], '{');
  const obj = JSON.parse(header) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const buf = b.subarray(8 + n);
  const out: Record<string, { dtype: string; shape: number[]; data: Uint8Array }> = {};
  let covered = 0;
  for (const [k, v] of Object.entries(obj)) {
    if (k === '__metadata__') continue;
    out[k] = { dtype: v.dtype, shape: v.shape, data: buf.subarray(v.data_offsets[0], v.data_offsets[1]) };
    covered += v.data_offsets[1] - v.data_offsets[0];
  }
  assert.equal(covered, buf.length, 'the byte buffer is entirely indexed');
  return { meta: (obj as Record<string, unknown>)['__metadata__'], tensors: out };
}

const DTYPES = Object.keys(SAFETENSORS_DTYPE_SIZE) as SafetensorsDtype[];

describe('safetensors writer', () => {
  it('writes the reference layout: u64 length, padded JSON, metadata first, larger dtypes first', () => {
    const bytes = serializeSafetensors(
      [
        { name: 'b', dtype: 'U8', shape: [3], data: Uint8Array.from([1, 2, 3]) },
        { name: 'a', dtype: 'F32', shape: [1], data: new Uint8Array(4) },
      ],
      { format: 'pt' },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal(n % 8, 0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    assert.equal(
      text.trimEnd(),
      '{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[3],"data_offsets":[4,7]}}',
    );
    assert.match(text, / *$/);
    assert.deepEqual([...bytes.subarray(8 + n + 4)], [1, 2, 3]);
  });

  it('round-trips through an independent reader and the strict reader (property)', () => {
    const tensor = fc.record({
      dtype: fc.constantFrom(...DTYPES),
      shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.tuple(
            fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s !== '__metadata__'),
            tensor,
          ),
          { selector: (x) => x[0], maxLength: 6 },
        ),
        fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })),
        (list, meta) => {
          const tensors = list.map(([name, t]) => {
            const len = t.shape.reduce((a, b) => a * b, SAFETENSORS_DTYPE_SIZE[t.dtype]);
            const data = Uint8Array.from({ length: len }, (_, i) => (i * 31 + t.seed) & 0xff);
            return { name, dtype: t.dtype, shape: t.shape, data };
          });
          const bytes = serializeSafetensors(tensors, meta);
          const spec = specRead(bytes);
          const strict = readSafetensorsStrict(new BufferSource(bytes));
          for (const t of tensors) {
            assert.deepEqual(spec.tensors[t.name]?.data, t.data);
            assert.equal(spec.tensors[t.name]?.dtype, t.dtype);
            const e = strict.tensors.find((x) => x.name === t.name);
            assert.equal(e?.byteLength, t.data.length);
            // Every tensor is aligned to its element size.
            assert.equal(((e?.offset ?? 0) - strict.dataStart) % SAFETENSORS_DTYPE_SIZE[t.dtype], 0);
          }
          assert.deepEqual(strict.metadata, { ...meta });
        },
      ),
      { numRuns: process.env['SLOW'] === '1' ? 2000 : 100 },
    );
  });

  it('refuses duplicate names and the reserved name', () => {
    assert.throws(
      () =>
        serializeSafetensors([
          { name: 'a', dtype: 'U8', shape: [0], data: new Uint8Array(0) },
          { name: 'a', dtype: 'U8', shape: [0], data: new Uint8Array(0) },
        ]),
      { code: 'E_CONVERT_NAME' },
    );
    assert.throws(() => serializeSafetensors([{ name: '__metadata__', dtype: 'U8', shape: [0], data: new Uint8Array(0) }]), { code: 'E_CONVERT_NAME' });
  });
});

function header(json: string, data = new Uint8Array(0), pad = true): Uint8Array {
  const h = new TextEncoder().encode(json);
  const len = pad ? Math.ceil(h.length / 8) * 8 : h.length;
  const out = new Uint8Array(8 + len + data.length).fill(0x20, 8, 8 + len);
  new DataView(out.buffer).setBigUint64(0, BigInt(len), true);
  out.set(h, 8);
  out.set(data, 8 + len);
  return out;
}

describe('strict reader refusals', () => {
  const cases: [string, Uint8Array][] = [
    [
      'duplicate keys',
      header('{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', Uint8Array.from([1])),
    ],
    ['a hole in the buffer', header('{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', Uint8Array.from([1, 2]))],
    [
      'overlapping tensors',
      header('{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', Uint8Array.from([1, 2])),
    ],
    ['trailing bytes', header('{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', Uint8Array.from([1, 2]))],
    ['size mismatch', header('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,1]}}', Uint8Array.from([1]))],
    ['unknown dtype', header('{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,1]}}', Uint8Array.from([1]))],
    ['a float in the shape', header('{"a":{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}}', Uint8Array.from([1]))],
    ['not an object', header('[]')],
    ['metadata not strings', header('{"__metadata__":{"a":1}}')],
  ];
  for (const [what, bytes] of cases) {
    it(what, () => {
      assert.throws(() => readSafetensorsStrict(new BufferSource(bytes)), { code: 'E_MALFORMED' });
    });
  }
  it('a header length beyond the file', () => {
    const b = new Uint8Array(16);
    new DataView(b.buffer).setBigUint64(0, 1000n, true);
    assert.throws(() => readSafetensorsStrict(new BufferSource(b)), { code: 'E_TRUNCATED' });
  });
  it('a 2^60-byte header length is refused without allocating', () => {
    const b = new Uint8Array(16);
    new DataView(b.buffer).setBigUint64(0, 2n ** 60n, true);
    assert.throws(() => readSafetensorsStrict(new BufferSource(b)), { code: 'E_LIMIT' });
  });
});
