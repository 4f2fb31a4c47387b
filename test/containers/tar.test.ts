/** The tar walker on hostile headers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferSource } from '../../src/bytes/source.js';
import { isTarHeader, readTar } from '../../src/containers/tar/reader.js';
import { ModelguardError } from '../../src/errors.js';

function header(name: string, size: string, type = '0'): Uint8Array {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'latin1');
  h.write('0000644\0', 100);
  h.write(size.padStart(11, '0') + '\0', 124);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return Uint8Array.from(h);
}

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof ModelguardError ? e.code : 'other';
  }
  return 'none';
};

describe('tar walker', () => {
  it('reads a member and stops at the end blocks', () => {
    const data = Buffer.concat([header('a.pkl', '5'), Buffer.from('hello'.padEnd(512, '\0')), Buffer.alloc(1024)]);
    const t = readTar(new BufferSource(Uint8Array.from(data)), 10);
    assert.deepEqual(
      t.entries.map((e) => [e.name, e.size, e.dataOffset]),
      [['a.pkl', 5, 512]],
    );
  });
  it('a member claiming 10 GB is truncated input, not an allocation', () => {
    const data = Buffer.concat([header('big', (10 * 1024 ** 3).toString(8)), Buffer.alloc(1024)]);
    assert.equal(
      code(() => readTar(new BufferSource(Uint8Array.from(data)), 10)),
      'E_TRUNCATED',
    );
  });
  it('a bad checksum is not a tar header', () => {
    const h = header('x', '0');
    h[0] = 0x79;
    assert.equal(isTarHeader(h), false);
    assert.equal(
      code(() => readTar(new BufferSource(Uint8Array.from(Buffer.concat([h, Buffer.alloc(1024)]))), 10)),
      'E_MALFORMED',
    );
  });
  it('entry counts are bounded', () => {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 20; i++) parts.push(header(`f${i}`, '0'));
    assert.equal(
      code(() => readTar(new BufferSource(Uint8Array.from(Buffer.concat([...parts, Buffer.alloc(1024)]))), 10)),
      'E_LIMIT',
    );
  });
  it('non-UTF-8 names are kept byte for byte', () => {
    const h = header('n\xe9.pkl', '0');
    const t = readTar(new BufferSource(Uint8Array.from(Buffer.concat([h, Buffer.alloc(1024)]))), 10);
    assert.equal(t.entries[0]?.name, 'n\u00e9.pkl');
  });
});
