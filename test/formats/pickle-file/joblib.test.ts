/**
 * joblib's array reading (src/formats/pickle-file/joblib-*.ts): each way
 * joblib.load may consume the bytes after a NumpyArrayWrapper, built here
 * byte by byte, with the payload where only that reading finds it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { dtypeFromPickle } from '../../../src/formats/numpy/dtype.js';
import { PyGlobal, PyObject, PyTuple } from '../../../src/formats/pickle/values.js';
import { scanBuffer } from '../../../src/scan/engine.js';
import { rules } from '../../helpers.js';

const RUNS = process.env['SLOW'] === '1' ? 1000 : 40;
const enc = new TextEncoder();
const cat = (...parts: (Uint8Array | string)[]): Uint8Array => {
  const bufs = parts.map((p) => (typeof p === 'string' ? Uint8Array.from(p, (c) => c.charCodeAt(0)) : p));
  const out = new Uint8Array(bufs.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of bufs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
};
const u32 = (n: number) => Uint8Array.of(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
const glob = (m: string, n: string) => `c${m}\n${n}\n`;
const str = (s: string) => cat('X', u32(enc.encode(s).length), enc.encode(s));
const int = (n: number) => cat('J', u32(n >>> 0));
const tup = (...items: (Uint8Array | string)[]) => cat('(', ...items, 't');
const dict = (pairs: [Uint8Array, Uint8Array | string][]) => cat('}(', ...pairs.flat(), 'u');
const dtype = (spec: string, elsize = -1, flags = 0) =>
  cat(glob('numpy', 'dtype'), tup(str(spec), '\x89', '\x88'), 'R', tup(int(3), str('<'), 'NNN', int(elsize), int(-1), int(flags)), 'b');
const shapeOf = (dims: number[]) => tup(...dims.map(int));
const PAYLOAD = cat(glob('os', 'system'), tup(str('true')), 'R0');
const wrapperNew = `${glob('joblib.numpy_pickle', 'NumpyArrayWrapper')})\x81`;
function state(shape: Uint8Array | string, dt: Uint8Array, extra: [string, Uint8Array | string][] = []): Uint8Array {
  return dict([
    [str('subclass'), glob('numpy', 'ndarray')],
    [str('shape'), shape],
    [str('order'), str('C')],
    [str('dtype'), dt],
    [str('allow_mmap'), '\x89'],
    ...extra.map(([k, v]): [Uint8Array, Uint8Array | string] => [str(k), v]),
  ]);
}
const junk = (n: number) => new Uint8Array(n).fill(0xff);

async function scan(bytes: Uint8Array) {
  const r = await scanBuffer(bytes, 'x.joblib');
  assert.ok(!rules(r.findings).includes('engine/internal-error'), r.findings.map((f) => f.message).join('\n'));
  return r;
}

describe('numpy dtype rules', () => {
  const d = (spec: string, st?: unknown[]) => {
    const o = new PyObject({ origin: 'call', pos: 0, opcode: 'REDUCE', callee: new PyGlobal('numpy', 'dtype', 0), args: tupleOf([spec, false, true]) });
    if (st !== undefined) o.state = tupleOf(st);
    return dtypeFromPickle(o);
  };
  function tupleOf(items: unknown[]): PyTuple {
    const t = new PyTuple();
    for (const v of items) t.push(v as null, 64);
    return t;
  }
  it('a fixed-size kind keeps its own size whatever elsize the state declares', () => {
    assert.equal(d('f8', [3, '<', null, null, null, 1, 1, 0])?.itemsize, 8);
    assert.equal(d('i4', [3, '<', null, null, null, 99, 1, 0])?.itemsize, 4);
  });
  it('flexible kinds take the state size; U sizes are bytes', () => {
    assert.equal(d('V8', [3, '|', null, null, null, 3, 1, 0])?.itemsize, 3);
    assert.equal(d('U2', [3, '<', null, null, null, 12, 4, 8])?.itemsize, 12);
  });
  it('hasobject is the flags bit, whatever the kind', () => {
    assert.equal(d('f8', [3, '<', null, null, null, -1, -1, 1])?.hasObject, true);
    assert.equal(d('O8', [3, '|', null, null, null, -1, -1, 0])?.hasObject, false);
    assert.equal(d('O8', [3, '|', null, null, null, -1, -1, 63])?.hasObject, true);
  });
  it('names and states numpy would reject or that need numpy to size are unknown', () => {
    assert.equal(d('float64')?.itemsize, 8);
    assert.equal(d('f8', [5, '<', null, null, null, -1, -1, 0]), undefined);
    assert.equal(d('f8,i4'), undefined);
    assert.equal(d('f8', [3, '<', null, null, null, -1, -1, 255]), undefined);
  });
});

describe('readings joblib can make', () => {
  it('an honest wrapper: array skipped, the stream goes on, clean', async () => {
    const r = await scan(cat('\x80\x02', wrapperNew, state(shapeOf([2, 3]), dtype('f4')), 'b', junk(24), '.'));
    assert.equal(r.verdict, 'clean');
  });
  it('slot state and a lying elsize: the payload after 128 bytes is found', async () => {
    const slot = cat('\x80\x02', wrapperNew, tup('N', state(shapeOf([16]), dtype('f8', 1))), 'b', junk(128), PAYLOAD, '.');
    const r = await scan(slot);
    assert.equal(r.verdict, 'malicious');
  });
  it('a shape given as an int with allow_mmap: read_mmap reads it, read_array fails; the mmap reading is analysed', async () => {
    const st = dict([
      [str('subclass'), glob('numpy', 'ndarray')],
      [str('shape'), int(5)],
      [str('order'), str('C')],
      [str('dtype'), dtype('f8')],
      [str('allow_mmap'), '\x88'],
    ]);
    const r = await scan(cat('\x80\x02', wrapperNew, st, 'b', junk(40), PAYLOAD, '.'));
    assert.equal(r.verdict, 'malicious');
  });
  it('a dtype built by a call the scanner cannot evaluate: the payload is found at a resynchronisation', async () => {
    const dt = cat(glob('numpy', 'dtype'), tup(glob('numpy', 'float64'), '\x89', '\x88'), 'R', tup(int(2), str('<'), 'NNN', int(-1), int(-1)), 'b');
    const r = await scan(cat('\x80\x02', wrapperNew, state(shapeOf([3]), dt), 'b', junk(24), PAYLOAD, '.'));
    assert.ok(rules(r.findings).includes('joblib/ambiguous-array'));
    assert.equal(r.verdict, 'malicious');
  });
  it('a payload hidden in the array bytes is what plain pickle.load runs', async () => {
    const hidden = cat(PAYLOAD, 'N.');
    const r = await scan(cat('\x80\x02', wrapperNew, state(shapeOf([hidden.length]), dtype('u1')), 'b', hidden, '.'));
    assert.equal(r.verdict, 'malicious');
    assert.ok(r.findings.some((f) => f.severity === 'malicious' && f.message.includes('pickle.load')));
  });
  it('opcodes left in the frame after the wrapper run before the array bytes', async () => {
    const body = cat(wrapperNew, state(shapeOf([8]), dtype('f8')), 'b', PAYLOAD);
    const frame = cat('\x95', u32(body.length), u32(0), body);
    const r = await scan(cat('\x80\x04', frame, junk(64), '.'));
    assert.ok(rules(r.findings).includes('joblib/array-behind-frame'));
    assert.equal(r.verdict, 'malicious');
  });
  it('state replacing a method joblib calls is malicious', async () => {
    const r = await scan(cat('\x80\x02', wrapperNew, state(shapeOf([1]), dtype('u1'), [['read', glob('builtins', 'print')]]), 'b', junk(1), '.'));
    assert.ok(rules(r.findings).includes('joblib/method-override'));
    assert.equal(r.verdict, 'malicious');
  });
  it('an old NDArrayWrapper names a file numpy.load unpickles', async () => {
    const nd = (name: string) => cat('\x80\x02', glob('joblib.numpy_pickle_compat', 'NDArrayWrapper'), ')\x81', dict([[str('filename'), str(name)]]), 'b.');
    assert.equal((await scan(nd('../../home/x.npy'))).verdict, 'malicious');
    const near = await scan(nd('model.pkl_01.npy'));
    assert.ok(rules(near.findings).includes('joblib/companion-file'));
    assert.notEqual(near.verdict, 'clean');
  });
});

describe('hostile sizes', () => {
  it('a shape past the end of the file is a cut stream, not an allocation', async () => {
    const r = await scan(cat('\x80\x02', wrapperNew, state(shapeOf([1 << 30, 1 << 30]), dtype('f8')), 'b', '.'));
    assert.notEqual(r.verdict, 'clean');
  });
  it('negative and overflowing shapes make joblib fail: the bytes after are still analysed', async () => {
    for (const dims of [[-1], [0x7fffffff, 0x7fffffff, 0x7fffffff]]) {
      const r = await scan(cat('\x80\x02', wrapperNew, state(shapeOf(dims), dtype('u1')), 'b', PAYLOAD, '.'));
      assert.equal(r.verdict, 'malicious', JSON.stringify(dims));
    }
  });
});

describe('properties', () => {
  const fixed = fc.constantFrom(['f8', 8], ['f4', 4], ['i2', 2], ['u1', 1], ['c16', 16], ['b1', 1]);
  it('honest wrappers with any shape, dtype and array bytes are clean', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 6 }), { maxLength: 3 }),
        fixed,
        fc.boolean(),
        fc.integer({ min: 0, max: 255 }),
        async (dims, [spec, size], aligned, fill) => {
          const n = dims.reduce((a, b) => a * b, 1);
          const head = cat('\x80\x02', wrapperNew, state(shapeOf(dims), dtype(spec), aligned ? [['numpy_array_alignment_bytes', int(16)]] : []), 'b');
          const pad = aligned ? cat(Uint8Array.of(3), junk(3)) : new Uint8Array(0);
          const r = await scan(cat(head, pad, new Uint8Array(n * (size as number)).fill(fill), '.'));
          assert.equal(r.verdict, 'clean', r.findings.map((f) => f.message).join('\n'));
        },
      ),
      { numRuns: RUNS },
    );
  });
  it('any bytes after a wrapper never break the scanner', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.boolean(), async (tail, slots) => {
        const st = state(shapeOf([4]), dtype('f8'));
        await scan(cat('\x80\x02', wrapperNew, slots ? tup('N', st) : st, 'b', tail));
      }),
      { numRuns: RUNS },
    );
  });
});
