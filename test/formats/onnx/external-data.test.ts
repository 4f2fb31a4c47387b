import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLocation, checkRange } from '../../../src/formats/onnx/external-data.js';

const worst = (loc: string): string => {
  const f = checkLocation(loc);
  return f.some((x) => x.severity === 'malicious') ? 'malicious' : f.length > 0 ? (f[0]?.severity ?? 'clean') : 'clean';
};

describe('external data locations', () => {
  for (const [loc, expected] of [
    ['model.onnx.data', 'clean'],
    ['weights/layer0.bin', 'clean'],
    ['./weights.bin', 'clean'],
    ['data..bin', 'clean'],
    ['/etc/passwd', 'malicious'],
    ['//server/share/x', 'malicious'],
    ['\\\\server\\share\\x', 'malicious'],
    ['C:\\Windows\\win.ini', 'malicious'],
    ['c:relative-to-drive', 'malicious'],
    ['../../etc/passwd', 'malicious'],
    ['./../secret', 'malicious'],
    ['weights/../../../../etc/passwd', 'malicious'],
    ['weights/..', 'malicious'],
    ['weights\\..\\..\\secret', 'malicious'],
    ['/dev/zero', 'malicious'],
    ['/proc/self/environ', 'malicious'],
    ['*/_ORT_MEM_ADDR_/*', 'malicious'],
    ['model.bin\0.txt', 'malicious'],
    ['NUL', 'suspicious'],
    ['weights/com1.bin', 'suspicious'],
    ['', 'suspicious'],
  ] as const) {
    it(`${JSON.stringify(loc)} is ${expected}`, () => {
      assert.equal(worst(loc), expected);
    });
  }

  it('names the onnxruntime memory marker with its own rule', () => {
    assert.equal(checkLocation('*/_ORT_MEM_ADDR_/*')[0]?.rule, 'onnx/external-data-memory');
  });
});

describe('external data ranges', () => {
  it('accepts ranges inside the file', () => {
    assert.deepEqual(checkRange('"d"', 100, '10', '90'), []);
  });
  it('accepts a missing length', () => {
    assert.deepEqual(checkRange('"d"', 100, '10', undefined), []);
  });
  it('rejects a range past the end', () => {
    assert.equal(checkRange('"d"', 100, '10', '91')[0]?.rule, 'onnx/external-data-range');
  });
  it('rejects an offset past the end', () => {
    assert.equal(checkRange('"d"', 100, '101', undefined)[0]?.rule, 'onnx/external-data-range');
  });
  it('rejects negative values', () => {
    assert.equal(checkRange('"d"', 100, '-1', undefined)[0]?.rule, 'onnx/external-data-range');
  });
  it('rejects non-numbers', () => {
    assert.equal(checkRange('"d"', 100, '0x10', undefined)[0]?.rule, 'onnx/external-data-range');
  });
});
