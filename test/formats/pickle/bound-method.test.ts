/**
 * getattr as pickle writes a bound method (`getattr(obj, 'name')`, as in
 * PyTorch 1.x OneCycleLR state dicts) is a stored value whose identity is
 * `Class.name` on the object's class: whoever holds it calls that method on
 * the file's object, so only entries that say so accept it (OneCycleLR's
 * anneal functions); every other getattr shape, and calling the result
 * anywhere, stays malicious.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../../src/scan/engine.js';
import type { FileReport } from '../../../src/findings/report.js';

const enc = (s: string): Buffer => Buffer.from(s, 'latin1');
/** BINUNICODE. */
const u = (s: string): Buffer => {
  const b = Buffer.from(s, 'utf8');
  const n = Buffer.alloc(4);
  n.writeUInt32LE(b.length);
  return Buffer.concat([enc('X'), n, b]);
};
const pickle = (...parts: (string | Buffer)[]): Uint8Array =>
  new Uint8Array(Buffer.concat([Buffer.from([0x80, 2]), ...parts.map((p) => (typeof p === 'string' ? enc(p) : p)), enc('.')]));

const GETATTR = 'cbuiltins\ngetattr\n';
const OD = 'ccollections\nOrderedDict\n)R'; // OrderedDict()
/** getattr(OrderedDict(), name) */
const ref = (name: string): (string | Buffer)[] => [GETATTR, OD, u(name), '\x86R'];

async function scan(data: Uint8Array): Promise<FileReport> {
  return scanBuffer(data, 'test.pkl');
}
const rules = (r: FileReport): string[] => r.findings.map((f) => f.rule);

describe('getattr(<global>, name): a dotted name as protocols 0-3 write it', () => {
  it('is judged as the dotted global: stored, an allowed scheduler function is clean', async () => {
    const r = await scan(pickle(GETATTR, 'ctorch.optim.swa_utils\nSWALR\n', u('_cosine_anneal'), '\x86R', '\x85'));
    assert.equal(r.verdict, 'clean', JSON.stringify(r.findings));
  });
  it('an unknown dotted global is suspicious, named in full', async () => {
    const r = await scan(pickle(GETATTR, 'ccollections\nOrderedDict\n', u('fromkeys'), '\x86R', '\x85'));
    assert.equal(r.verdict, 'suspicious');
    assert.ok(
      r.findings.some((f) => f.global === 'collections.OrderedDict.fromkeys'),
      JSON.stringify(r.findings),
    );
  });
  it('calling an allowed-for-storage function is not allowed', async () => {
    const r = await scan(pickle(GETATTR, 'ctorch.optim.swa_utils\nSWALR\n', u('get_lr'), '\x86R', 'K\x01K\x02K\x03\x87R'));
    assert.notEqual(r.verdict, 'clean');
  });
});

const ONE_CYCLE = 'ctorch.optim.lr_scheduler\nOneCycleLR\n)\x81'; // OneCycleLR.__new__(OneCycleLR)

describe('bound-method references', () => {
  it('a documented method (OneCycleLR anneal function) stored as a value is clean, with an info finding', async () => {
    const r = await scan(pickle(GETATTR, ONE_CYCLE, u('_annealing_cos'), '\x86R', '\x85')); // (bound_method,)
    assert.equal(r.verdict, 'clean', JSON.stringify(r.findings));
    assert.ok(rules(r).includes('pickle/bound-method'));
  });
  it('the same in a protocol-2 file written with __builtin__ is clean', async () => {
    const r = await scan(pickle('c__builtin__\ngetattr\n', ONE_CYCLE, u('_annealing_linear'), '\x86R'));
    assert.equal(r.verdict, 'clean', JSON.stringify(r.findings));
  });
  it('an undocumented method stored as a value is not clean: it is Class.method called on the file object', async () => {
    const r = await scan(pickle(...ref('update'), '\x85'));
    assert.equal(r.verdict, 'suspicious', JSON.stringify(r.findings));
    assert.ok(r.findings.some((f) => f.global === 'collections.OrderedDict.update'));
  });
  it('a method the denylist covers is malicious even when only stored (pathlib.PosixPath.touch)', async () => {
    const r = await scan(pickle(GETATTR, 'cpathlib\nPosixPath\n', u('/tmp/x'), '\x85R', u('touch'), '\x86R', '\x85'));
    assert.equal(r.verdict, 'malicious', JSON.stringify(r.findings));
  });
  it('an attribute the object state set is what getattr returns, judged where it is called', async () => {
    // argparse.Namespace() BUILD {'f': os.system}, then getattr(ns, 'f')('cmd')
    const ns = ['cargparse\nNamespace\n)R', '}', u('f'), 'cposix\nsystem\n', 's', 'b'];
    const r = await scan(pickle(GETATTR, ...ns, u('f'), '\x86R', u('id'), '\x85R'));
    assert.equal(r.verdict, 'malicious');
  });
  it('calling the bound method is malicious', async () => {
    const r = await scan(pickle(...ref('update'), '}\x85R'));
    assert.equal(r.verdict, 'malicious');
    assert.ok(r.findings.some((f) => f.rule === 'pickle/dangerous-global' && /fetched with getattr/.test(f.message)));
  });
  it('calling it with no arguments is malicious too', async () => {
    assert.equal((await scan(pickle(...ref('copy'), ')R'))).verdict, 'malicious');
  });
  it('passing it to an allowed function that calls its argument is malicious', async () => {
    // numpy.random._pickle.__randomstate_ctor('MT19937', <bound method>) calls its second argument.
    const r = await scan(pickle('cnumpy.random._pickle\n__randomstate_ctor\n', u('MT19937'), ...ref('copy'), '\x86R'));
    assert.equal(r.verdict, 'malicious', JSON.stringify(r.findings));
  });
  it('a bound method as an instance __setstate__ is malicious', async () => {
    // OrderedDict() BUILD {'__setstate__': getattr(od, 'update')} BUILD {}
    const r = await scan(pickle(OD, '}', u('__setstate__'), ...ref('update'), 's', 'b', '}', 'b'));
    assert.equal(r.verdict, 'malicious');
  });
  for (const [what, parts] of [
    ['a global receiver and a dotted name that reaches files', [GETATTR, 'ctorch\nUntypedStorage\n', u('from_file'), '\x86R', '\x85']],
    ['a global receiver and a dotted name through os', [GETATTR, 'ctorch\nserialization\n', u('os'), '\x86R', '\x85']],
    ['a global receiver and a dunder name', [GETATTR, 'ccollections\nOrderedDict\n', u('__init__'), '\x86R', '\x85']],
    ['a dunder name', [...ref('__class__'), '\x85']],
    ['a private dunder-prefixed name', [...ref('__init_subclass'), '\x85']],
    ['a file or code method name', [...ref('tofile'), '\x85']],
    ['a load method name', [...ref('load'), '\x85']],
    ['a default (three arguments)', [GETATTR, OD, u('update'), 'N\x87R', '\x85']],
    ['a name that is not a string', [GETATTR, OD, 'K\x01\x86R', '\x85']],
    ['a chain getattr(getattr(obj, a), b)', [GETATTR, ...ref('update'), u('x'), '\x86R', '\x85']],
  ] as [string, (string | Buffer)[]][]) {
    it(`getattr with ${what} stays malicious`, async () => {
      const r = await scan(pickle(...parts));
      assert.equal(r.verdict, 'malicious', JSON.stringify(r.findings));
    });
  }
});
