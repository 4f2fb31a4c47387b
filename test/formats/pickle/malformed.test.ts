/** Hostile pickles built in the test: every one ends with a finding, never a crash, never clean. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../../src/scan/engine.js';
import { fixture, rules } from '../../helpers.js';

function b(...parts: (string | number[])[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p)))));
}

async function scan(data: Uint8Array, format?: string) {
  return scanBuffer(data, 'hostile.pkl', format === undefined ? {} : { format });
}

describe('truncation', () => {
  it('a real pickle cut at every offset is never clean and never an internal error', async () => {
    const data = readFileSync(fixture('pickle', 'clean__stdlib-values-protocol4.pkl'));
    for (let n = 1; n < data.length; n++) {
      const r = await scan(data.subarray(0, n), 'pickle');
      assert.notEqual(r.verdict, 'clean', `cut at ${n}`);
      assert.ok(!rules(r.findings).includes('engine/internal-error'), `cut at ${n}`);
    }
  });
});

describe('huge declared lengths', () => {
  it('BINUNICODE8 claiming 2^52 bytes is reported without allocating', async () => {
    const r = await scan(b([0x80, 4, 0x8d], [0, 0, 0, 0, 0, 0, 0x10, 0], 'abc'), 'pickle');
    assert.equal(r.verdict, 'suspicious');
    assert.ok(rules(r.findings).includes('pickle/malformed'));
  });
  it('BINBYTES8 beyond 2^53 is a limit, not a crash', async () => {
    const r = await scan(b([0x80, 4, 0x8e], [0, 0, 0, 0, 0, 0, 0, 0x80], '.'), 'pickle');
    assert.ok(['unscannable', 'suspicious'].includes(r.verdict));
  });
  it('FRAME longer than the stream fails as CPython does', async () => {
    const r = await scan(b([0x80, 4, 0x95], [0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0], 'N.'), 'pickle');
    assert.ok(rules(r.findings).includes('pickle/malformed'));
  });
  it('LONG4 with a negative count', async () => {
    const r = await scan(b([0x80, 2, 0x8b], [0xff, 0xff, 0xff, 0xff], '.'), 'pickle');
    assert.ok(rules(r.findings).includes('pickle/malformed'));
  });
  it('a huge LONG4 is kept as a size, not decoded', async () => {
    const n = 100_000;
    const r = await scan(b([0x80, 2, 0x8b], [n & 0xff, (n >> 8) & 0xff, n >> 16, 0], Array.from(new Uint8Array(n)), '.'), 'pickle');
    assert.equal(r.verdict, 'clean');
  });
});

describe('invalid opcodes and text', () => {
  it('an invalid opcode after a payload keeps the payload finding', async () => {
    const r = await scan(b("cos\nsystem\n(S'x'\ntR\xff"), 'pickle');
    assert.equal(r.verdict, 'malicious');
    assert.ok(rules(r.findings).includes('pickle/malformed'));
  });
  it('GLOBAL lines that are not UTF-8 are malformed (CPython refuses them) and still named', async () => {
    const r = await scan(b('cos\xff\nsystem\n.'), 'pickle');
    assert.notEqual(r.verdict, 'clean');
  });
  it('a GLOBAL line without newline', async () => {
    const r = await scan(b('cos'), 'pickle');
    assert.notEqual(r.verdict, 'clean');
  });
  it('unsupported protocol number', async () => {
    const r = await scan(b([0x80, 9], 'N.'), 'pickle');
    assert.ok(rules(r.findings).includes('pickle/malformed'));
  });
});

describe('bombs and structures', () => {
  it('a memo bomb with huge indices stays bounded', async () => {
    let s = '\x80\x02N';
    for (let i = 0; i < 2000; i++) s += `r${String.fromCharCode(i & 0xff, (i >> 8) & 0xff, 0xff, 0xff)}`;
    const r = await scan(b(s, '.'), 'pickle');
    assert.equal(r.verdict, 'clean');
  });
  it('a self-referencing list renders without looping', async () => {
    // l = []; l.append(l); os.system(l)
    const r = await scan(b('\x80\x02cos\nsystem\n]q\x00h\x00a\x85R.'), 'pickle');
    assert.equal(r.verdict, 'malicious');
    assert.ok(r.findings.some((f) => (f.call ?? '').includes('<cycle>')));
  });
  it('deep nesting of tuples is fine', async () => {
    const r = await scan(b('\x80\x02', 'N\x85'.repeat(50_000), '.'), 'pickle');
    assert.equal(r.verdict, 'clean');
  });
  it('thousands of back-to-back pickles are bounded by maxPicklesPerStream', async () => {
    const r = await scanBuffer(b('N.'.repeat(3000)), 'many.pkl', { format: 'pickle', limits: { maxPicklesPerStream: 100 } });
    assert.equal(r.verdict, 'unscannable');
  });
});
