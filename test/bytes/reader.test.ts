import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteReader, inBounds } from '../../src/bytes/reader.js';
import { BufferSource, SliceSource } from '../../src/bytes/source.js';
import { ModelguardError } from '../../src/errors.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelguardError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('ByteReader', () => {
  it('reads little-endian integers and advances', () => {
    const r = new ByteReader(Uint8Array.from([1, 2, 0, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]));
    assert.equal(r.u8(), 1);
    assert.equal(r.u16le(), 2);
    assert.equal(r.u32le(), 3);
    assert.equal(r.u64le(), 0x7fffffffffffffffn);
    assert.equal(r.remaining, 0);
  });

  it('throws E_TRUNCATED with the absolute offset instead of clamping', () => {
    const r = new ByteReader(Uint8Array.from([1, 2, 3]), 100);
    r.u8();
    try {
      r.u32le('size');
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof ModelguardError);
      assert.equal(e.code, 'E_TRUNCATED');
      assert.equal(e.offset, 101);
      assert.match(e.message, /size/);
    }
    assert.equal(r.pos, 1, 'a failed read does not move the cursor');
  });

  it('rejects negative, fractional and unsafe lengths', () => {
    const r = new ByteReader(new Uint8Array(8));
    assert.equal(
      code(() => r.bytesView(-1)),
      'E_MALFORMED',
    );
    assert.equal(
      code(() => r.bytesView(1.5)),
      'E_MALFORMED',
    );
    assert.equal(
      code(() => r.bytesView(2 ** 60)),
      'E_MALFORMED',
    );
    assert.equal(
      code(() => r.bytesView(9)),
      'E_TRUNCATED',
    );
  });

  it('u64safe refuses values above 2^53', () => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, 2n ** 53n, true);
    assert.equal(
      code(() => new ByteReader(b).u64safe()),
      'E_LIMIT',
    );
  });

  it('line() needs a newline within the limit', () => {
    const enc = new TextEncoder();
    const r = new ByteReader(enc.encode('os\nsystem\nxxxxxxxx'));
    assert.deepEqual(new TextDecoder().decode(r.line(10)), 'os');
    assert.deepEqual(new TextDecoder().decode(r.line(10)), 'system');
    assert.equal(
      code(() => r.line(100)),
      'E_TRUNCATED',
    );
    assert.equal(
      code(() => new ByteReader(enc.encode('aaaaaaaaaa\n')).line(4)),
      'E_LIMIT',
    );
  });
});

describe('inBounds', () => {
  it('is overflow-safe', () => {
    assert.equal(inBounds(0, 10, 10), true);
    assert.equal(inBounds(10, 0, 10), true);
    assert.equal(inBounds(5, 6, 10), false);
    assert.equal(inBounds(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 10), false);
    assert.equal(inBounds(-1, 1, 10), false);
  });
});

describe('sources', () => {
  it('SliceSource reads inside its window only', () => {
    const src = new BufferSource(Uint8Array.from([0, 1, 2, 3, 4, 5]));
    const s = new SliceSource(src, 2, 3);
    assert.deepEqual([...s.read(0, 3)], [2, 3, 4]);
    assert.equal(
      code(() => s.read(1, 3)),
      'E_TRUNCATED',
    );
    assert.equal(
      code(() => new SliceSource(src, 4, 3)),
      'E_TRUNCATED',
    );
  });
});
