/**
 * The opcode reader against CPython's own disassembler: for every fixture,
 * opcode names, offsets and argument values must equal what
 * `pickletools.genops` produced (recorded by the generator).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BufferSource } from '../../../src/bytes/source.js';
import { PickleReader, type GlobalArg } from '../../../src/formats/pickle/reader.js';
import { PyBigInt, PyBytes, PyFloat, PyStr, type PyValue } from '../../../src/formats/pickle/values.js';
import { fixture } from '../../helpers.js';

type Arg = null | string | number | boolean | { bytes?: string; float?: string; bigint?: string; repr?: string };
const dis = JSON.parse(readFileSync(fixture('pickle', 'disassembly.json'), 'utf8')) as Record<string, [string, number | null, Arg][]>;

function normalize(name: string, arg: unknown): unknown {
  if (arg === undefined) return null;
  if (name === 'GLOBAL' || name === 'INST') {
    const g = arg as GlobalArg;
    return `${g.module} ${g.name}`;
  }
  const v = arg as PyValue;
  if (v instanceof PyFloat) return { float: v.v };
  if (v instanceof PyBytes) return { bytes: v.data === undefined ? undefined : Buffer.from(v.data).toString('hex') };
  if (v instanceof PyStr || v instanceof PyBigInt) return undefined;
  if (typeof v === 'bigint') return { bigint: v.toString() };
  return v;
}

function expectedArg(name: string, a: Arg): unknown {
  if (a === null) return null;
  if (typeof a !== 'object') return a;
  if (a.float !== undefined) return { float: Number(a.float) };
  if (a.bigint !== undefined) return { bigint: a.bigint };
  if (a.bytes !== undefined) {
    // Python 2 str opcodes decode to text here (latin-1), bytes opcodes stay bytes.
    if (['STRING', 'BINSTRING', 'SHORT_BINSTRING'].includes(name)) return Buffer.from(a.bytes, 'hex').toString('latin1');
    return { bytes: a.bytes };
  }
  return a;
}

describe('pickle reader matches pickletools.genops', () => {
  for (const [file, ops] of Object.entries(dis)) {
    it(file, () => {
      const bytes = readFileSync(fixture('pickle', file));
      const r = new PickleReader(new BufferSource(bytes), 0, bytes.length, 1 << 20);
      let n = 0;
      for (const [name, pos, arg] of ops) {
        if (name === 'ERROR') {
          assert.throws(() => r.next(), `pickletools failed here, the reader must too (${JSON.stringify(arg)})`);
          return;
        }
        const op = r.next();
        assert.equal(op.info.name, name, `op #${n} at ${pos}`);
        assert.equal(op.pos, pos, `op #${n} ${name}`);
        const got = normalize(name, op.arg);
        if (got !== undefined) assert.deepEqual(got, expectedArg(name, arg), `arg of ${name} at ${pos}`);
        n++;
      }
      assert.ok(n > 0);
    });
  }
});
