/**
 * One describe per GGUF attack; hostile bytes are built here with the writer.
 * Structural violations must be `gguf/malformed` with severity malicious.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { has, ruleSeverities, scanBytes } from '../helpers.js';
import { Bytes, header, simpleGguf, T } from './writer.js';

async function assertMalformed(bytes: Uint8Array): Promise<void> {
  const r = await scanBytes(bytes);
  assert.ok(has(r, 'gguf/malformed', 'malicious'), ruleSeverities(r).join(', '));
  assert.equal(r.verdict, 'malicious');
}

/** One F32 tensor info + padded data after the given header/metadata. */
function withTensor(b: Bytes, name = 'w', dims: (number | bigint)[] = [8], type = 0, offset: number | bigint = 0, dataBytes = 32): Uint8Array {
  b.str(name).u32(dims.length);
  for (const d of dims) b.u64(d);
  b.u32(type).u64(offset).pad(32).raw(new Uint8Array(dataBytes)).pad(32);
  return b.bytes();
}

describe('sanity: a minimal valid file is clean', () => {
  it('passes', async () => {
    const r = await scanBytes(simpleGguf({ 'general.architecture': 'llama' }));
    assert.equal(r.verdict, 'clean', ruleSeverities(r).join(', '));
  });
});

describe('metadata_kv_count larger than the file can hold', () => {
  it('is malformed', () => assertMalformed(header(0, 1_000).bytes()));
});

describe('tensor_count larger than the file can hold', () => {
  it('is malformed', () => assertMalformed(header(100_000, 0).raw(new Uint8Array(64)).bytes()));
});

describe('string length past the end of the file', () => {
  it('key length', () =>
    assertMalformed(
      header(0, 1)
        .u64(1n << 40n)
        .raw([0x61])
        .bytes(),
    ));
  it('value length', () => assertMalformed(header(0, 1).str('general.name').u32(T.STR).u64(1_000_000).raw([0x61]).bytes()));
  it('version 1 u32 length', () => assertMalformed(header(0, 1, 1).u32(0xffffffff).raw([0x61]).bytes()));
});

describe('array length past the end of the file', () => {
  it('fixed-size elements', () =>
    assertMalformed(
      header(0, 1)
        .str('a')
        .u32(T.ARR)
        .u32(T.U64)
        .u64(1n << 50n)
        .u64(1)
        .bytes(),
    ));
  it('string elements', () =>
    assertMalformed(
      header(0, 1)
        .str('a')
        .u32(T.ARR)
        .u32(T.STR)
        .u64(1n << 40n)
        .str('x')
        .bytes(),
    ));
});

describe('arrays nested too deeply', () => {
  it('is malformed', () => {
    const b = header(0, 1).str('a').u32(T.ARR);
    for (let i = 0; i < 10; i++) b.u32(T.ARR).u64(1);
    b.u32(T.U8).u64(0);
    return assertMalformed(b.bytes());
  });
});

describe('unknown value types', () => {
  it('metadata value type', () => assertMalformed(header(0, 1).str('a').u32(99).u64(0).bytes()));
  it('array element type', () => assertMalformed(header(0, 1).str('a').u32(T.ARR).u32(77).u64(0).bytes()));
  it('bool that is neither 0 nor 1', () => assertMalformed(header(0, 1).str('a').u32(T.BOOL).u8(7).bytes()));
});

describe('invalid UTF-8 in a key', () => {
  it('is malformed', () => assertMalformed(header(0, 1).u64(2).raw([0xc3, 0x28]).u32(T.U8).u8(1).bytes()));
});

describe('duplicate metadata keys', () => {
  it('is malformed', () => assertMalformed(withTensor(header(1, 2).str('k').u32(T.U8).u8(1).str('k').u32(T.U8).u8(2))));
});

describe('tensor with more than 4 dimensions', () => {
  it('is malformed', () => assertMalformed(withTensor(header(1, 0), 'w', [1, 1, 1, 1, 8])));
});

describe('tensor name of 64 bytes or more (GGML_MAX_NAME)', () => {
  it('is malformed', () => assertMalformed(withTensor(header(1, 0), 'x'.repeat(64))));
});

describe('tensor dimensions overflowing int64', () => {
  it('single dimension', () => assertMalformed(withTensor(header(1, 0), 'w', [1n << 63n])));
  it('product', () => assertMalformed(withTensor(header(1, 0), 'w', [1n << 32n, 1n << 32n])));
});

describe('invalid ggml type', () => {
  it('is malformed', () => assertMalformed(withTensor(header(1, 0), 'w', [8], 100_000)));
});

describe('quantized row not a multiple of the block size', () => {
  it('is malformed (Q8_0 with 33 columns)', () => assertMalformed(withTensor(header(1, 0), 'w', [33], 8, 0, 64)));
});

describe('tensor data past the end of the file', () => {
  it('offset', () => assertMalformed(withTensor(header(1, 0), 'w', [8], 0, 1n << 40n)));
  it('size', () => assertMalformed(withTensor(header(1, 0), 'w', [1024], 0, 0, 32)));
});

describe('overlapping tensors', () => {
  it('is malformed', () => {
    const b = header(2, 0);
    b.str('a').u32(1).u64(16).u32(0).u64(0);
    b.str('b').u32(1).u64(16).u32(0).u64(32);
    return assertMalformed(b.pad(32).raw(new Uint8Array(128)).bytes());
  });
});

describe('duplicate tensor names', () => {
  it('is malformed', () => {
    const b = header(2, 0);
    b.str('a').u32(1).u64(8).u32(0).u64(0);
    b.str('a').u32(1).u64(8).u32(0).u64(32);
    return assertMalformed(b.pad(32).raw(new Uint8Array(64)).bytes());
  });
});

describe('alignment that is not a power of two', () => {
  it('is malformed', () => assertMalformed(withTensor(header(1, 1).str('general.alignment').u32(T.U32).u32(24))));
});

describe('irregular layout', () => {
  it('a misaligned offset is gguf/tensor-layout', async () => {
    const r = await scanBytes(withTensor(header(1, 0), 'w', [4], 0, 4, 64));
    assert.ok(has(r, 'gguf/tensor-layout', 'suspicious'), ruleSeverities(r).join(', '));
  });
  it('unreferenced bytes after the last tensor are gguf/tensor-layout', async () => {
    const r = await scanBytes(withTensor(header(1, 0), 'w', [8], 0, 0, 4096));
    assert.ok(has(r, 'gguf/tensor-layout', 'suspicious'));
  });
});

describe('unsupported version', () => {
  it('is engine/unsupported, not clean', async () => {
    const r = await scanBytes(new Bytes().raw([0x47, 0x47, 0x55, 0x46]).u32(9).u64(0).u64(0).bytes());
    assert.equal(r.verdict, 'unscannable');
    assert.ok(has(r, 'engine/unsupported'));
  });
});

describe('truncated header', () => {
  it('is malformed', () => assertMalformed(new Bytes().raw([0x47, 0x47, 0x55, 0x46]).u32(3).u32(0).bytes()));
});
