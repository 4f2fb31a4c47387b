/** Symbolic machine semantics that bypasses exploit: marks, memo, BUILD, dotted names, limits. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferSource } from '../../../src/bytes/source.js';
import type { Anomaly, MachineHooks } from '../../../src/formats/pickle/machine.js';
import { PickleMachine } from '../../../src/formats/pickle/machine.js';
import { PickleReader } from '../../../src/formats/pickle/reader.js';
import { PyBytes, PyDict, PyGlobal, PyList, PyObject, PyTuple, type PyValue } from '../../../src/formats/pickle/values.js';
import { ModelguardError } from '../../../src/errors.js';
import { DEFAULT_LIMITS } from '../../../src/formats/limits.js';

function bytes(...parts: (string | number[] | Uint8Array)[]): Uint8Array {
  const chunks = parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Uint8Array.from(p)));
  return Uint8Array.from(Buffer.concat(chunks));
}

interface Trace {
  imports: string[];
  calls: string[];
  refs: string[];
  anomalies: Anomaly[];
  builds: PyValue[];
}

function run(data: Uint8Array, limits = DEFAULT_LIMITS): { value: PyValue; trace: Trace } {
  const trace: Trace = { imports: [], calls: [], refs: [], anomalies: [], builds: [] };
  const hooks: MachineHooks = {
    onImport: (g) => trace.imports.push(g.full),
    onReference: (g) => trace.refs.push(g.full),
    onInvoke: (o) => {
      trace.calls.push(`${o.origin}:${o.callee instanceof PyGlobal ? o.callee.full : typeof o.callee}`);
      if (o.callee instanceof PyGlobal) o.owner = o.callee;
      return o;
    },
    onBuild: (t) => trace.builds.push(t),
    onMutate: () => undefined,
    onPersistentId: (pid, site) => new PyObject({ origin: 'persid', pos: site.pos, opcode: site.opcode, extra: pid }),
    onExtension: (code, site) => new PyObject({ origin: 'ext', pos: site.pos, opcode: site.opcode, extra: code }),
    onAnomaly: (a) => trace.anomalies.push(a),
  };
  const reader = new PickleReader(new BufferSource(data), 0, data.length, 1024);
  const r = new PickleMachine(reader, hooks, { limits, retainItems: 64 }).run();
  return { value: r.value, trace };
}

describe('marks and the stack', () => {
  it('POP with nothing above the mark pops the mark (CPython _pickle.c load_pop)', () => {
    // MARK, MARK, POP (pops the inner mark), K1, TUPLE -> (1,) built from the outer mark.
    const { value } = run(bytes('((0K\x01t.'));
    assert.ok(value instanceof PyTuple);
    assert.deepEqual(value.items, [1]);
  });
  it('operations cannot reach below the current mark', () => {
    const { trace } = run(bytes('K\x01(\x85.'));
    assert.equal(trace.anomalies[0]?.kind, 'semantic');
  });
  it('OBJ without arguments instantiates, with arguments calls', () => {
    const a = run(bytes('(cmod\nCls\no.'));
    const b = run(bytes('(cmod\nCls\nK\x01o.'));
    assert.deepEqual(a.trace.calls, ['new:mod.Cls']);
    assert.deepEqual(b.trace.calls, ['call:mod.Cls']);
  });
});

describe('memo', () => {
  it('STACK_GLOBAL operands come from the memo after being popped', () => {
    const { trace } = run(bytes([0x80, 4, 0x8c, 2], 'os', [0x94, 0x30, 0x8c, 6], 'system', [0x94, 0x30], 'h\x00h\x01', [0x93], ')R.'));
    assert.deepEqual(trace.imports, ['os.system']);
    assert.deepEqual(trace.calls, ['call:os.system']);
  });
  it('MEMOIZE uses the number of entries, after sparse PUTs', () => {
    // PUT 7 then MEMOIZE stores at index 1 (one entry so far).
    const { value } = run(bytes([0x80, 4], 'K\x05p7\n', [0x30], 'K\x06', [0x94, 0x30], 'h\x01.'));
    assert.equal(value, 6);
  });
  it('a missing memo index is an anomaly, not a crash', () => {
    const { trace } = run(bytes('h\x09.'));
    assert.match(trace.anomalies[0]?.message ?? '', /memo/);
  });
  it('memo entries are bounded', () => {
    const puts = Array.from({ length: 10 }, (_, i) => `K\x01r${String.fromCharCode(i)}\x00\x00\x000`).join('');
    assert.throws(
      () => run(bytes(puts, 'N.'), { ...DEFAULT_LIMITS, maxMemoEntries: 5 }),
      (e: unknown) => e instanceof ModelguardError && e.code === 'E_LIMIT',
    );
  });
});

describe('BUILD', () => {
  it('a __setstate__ set by one BUILD is called by the next', () => {
    const { trace } = run(bytes('ccollections\nOrderedDict\n)R}X\x0c\x00\x00\x00__setstate__cos\nsystem\nsbX\x01\x00\x00\x00xb.'));
    assert.ok(trace.anomalies.some((a) => a.kind === 'state-dunder'));
    assert.ok(trace.calls.includes('call:os.system'));
  });
  it('BUILD on a global is reported', () => {
    const { trace } = run(bytes('ctorch\nserialization\n}b.'));
    assert.equal(trace.anomalies[0]?.kind, 'build-global');
  });
  it('records the state on the object', () => {
    const { value } = run(bytes('cm\nC\n)\x81}X\x01\x00\x00\x00aK\x01sb.'));
    assert.ok(value instanceof PyObject && value.state instanceof PyDict);
  });
});

describe('names and constants', () => {
  it('maps Python 2 names as fix_imports does', () => {
    const { trace } = run(bytes('c__builtin__\neval\n.'));
    assert.deepEqual(trace.imports, ['builtins.eval']);
  });
  it('STACK_GLOBAL computed at load time is a dynamic import', () => {
    const { trace } = run(bytes('cm\nf\n)R', [0x8c, 1], 'x', [0x93], '.'));
    assert.equal(trace.anomalies.at(-1)?.kind, 'dynamic-import');
  });
  it('decodes protocol 0 text forms with escapes', () => {
    const { value } = run(bytes("(S'a\\x41\\n\\''\nVcaf\\u00e9\nI01\nL123456789012345678901234567890L\nF-2.5e1\nl."));
    assert.ok(value instanceof PyList);
    assert.deepEqual(value.items.slice(0, 3), ["aA\n'", 'café', true]);
    assert.equal(value.items[3], 123456789012345678901234567890n);
  });
  it('rejects an unquoted STRING as CPython does', () => {
    assert.throws(
      () => run(bytes('Sabc\n.')),
      (e: unknown) => e instanceof ModelguardError && e.code === 'E_MALFORMED',
    );
  });
  it('keeps large byte strings as offsets without reading them', () => {
    const n = 4096;
    const data = bytes([0x80, 4, 0x8e], [n & 0xff, n >> 8, 0, 0, 0, 0, 0, 0], new Uint8Array(n), '.');
    const { value } = run(data);
    assert.ok(value instanceof PyBytes);
    assert.equal(value.data, undefined);
    assert.equal(value.length, n);
    assert.equal(value.offset, 11);
  });
  it('counts every container item even past the kept ones, and records globals stored there', () => {
    const items = 'cmod\nfn\n' + 'K\x01'.repeat(100);
    const { value, trace } = run(bytes('(', items, 'l.'));
    assert.ok(value instanceof PyList);
    assert.equal(value.count, 101);
    assert.equal(value.items.length, 64);
    assert.deepEqual(trace.refs, ['mod.fn']);
  });
});

describe('limits', () => {
  it('stops after maxPickleOps opcodes', () => {
    assert.throws(
      () => run(bytes('N0'.repeat(100), 'N.'), { ...DEFAULT_LIMITS, maxPickleOps: 50 }),
      (e: unknown) => e instanceof ModelguardError && e.code === 'E_LIMIT',
    );
  });
  it('bounds the stack and marks', () => {
    assert.throws(
      () => run(bytes('('.repeat(1000), '.'), { ...DEFAULT_LIMITS, maxStackDepth: 100 }),
      (e: unknown) => e instanceof ModelguardError && e.code === 'E_LIMIT',
    );
  });
});
