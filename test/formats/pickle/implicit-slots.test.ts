/**
 * What the loader or a rebuilt object's own code calls later, one attack per
 * describe: keys computed while loading, states whose keys the scanner cannot
 * see, arguments spread from a tuple subclass, the partial rule, TorchBind
 * class names, bound methods and the attributes getattr returns. Each
 * malicious shape has a benign neighbour that must stay clean.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanBuffer } from '../../../src/scan/engine.js';
import type { FileReport } from '../../../src/findings/report.js';
import { boundMethod, bytes, dict, global, newobj, pickle, reduce, str } from './assemble.js';

const scan = (data: Uint8Array): Promise<FileReport> => scanBuffer(data, 'test.pkl');
const summary = (r: FileReport): string => r.findings.map((f) => `${f.severity} ${f.rule} ${f.message}`).join('\n');
const has = (r: FileReport, rule: string, severity = 'malicious'): boolean => r.findings.some((f) => f.rule === rule && f.severity === severity);

const NS = newobj(global('argparse', 'Namespace'));
const UNKNOWN = global('mailbox', 'Maildir');
const numpyStr = (s: string): Uint8Array => reduce(global('numpy', 'str_'), str(s));

describe('BUILD state keys computed while loading', () => {
  for (const [what, key] of [
    ['numpy.str_()', numpyStr('__setstate__')],
    ['str()', reduce(global('builtins', 'str'), str('__setstate__'))],
    ['a global', global('torch', 'float32')],
  ] as const) {
    it(`a key made by ${what} is judged as __setstate__`, async () => {
      const r = await scan(pickle(bytes(NS, dict([key, UNKNOWN]), 'b')));
      assert.ok(has(r, 'pickle/state-dunder'), summary(r));
    });
    it(`in slot state too (${what})`, async () => {
      const r = await scan(pickle(bytes(NS, 'N', dict([key, UNKNOWN]), '\x86b')));
      assert.ok(has(r, 'pickle/state-dunder'), summary(r));
    });
  }
  it('a computed key in a plain dict (not a state) is data', async () => {
    const r = await scan(pickle(dict([numpyStr('a'), 'K\x01'], [global('torch', 'float32'), 'K\x02'])));
    assert.equal(r.verdict, 'clean', summary(r));
  });
  it('a computed key past the retained entries still counts', async () => {
    const pad = Array.from({ length: 100 }, (_, i) => [str(`k${i}`), 'N'] as [Uint8Array, string]);
    const r = await scan(pickle(bytes(NS, dict(...pad, [numpyStr('__setstate__'), UNKNOWN]), 'b')));
    assert.ok(has(r, 'pickle/state-dunder'), summary(r));
  });
});

describe('BUILD states whose keys the scanner cannot see', () => {
  it('an OrderedDict built by calls as the state of a plain object', async () => {
    const od = bytes(reduce(global('collections', 'OrderedDict')), '(', str('__setstate__'), UNKNOWN, 'u');
    const r = await scan(pickle(bytes(NS, od, 'b')));
    assert.ok(has(r, 'pickle/state-dunder'), summary(r));
  });
  it('key/value pairs handed to Module.__setstate__, which updates __dict__', async () => {
    const pairs = bytes('(', str('__setstate__'), UNKNOWN, '\x86', str('training'), '\x88\x86t');
    const r = await scan(pickle(bytes(newobj(global('torch.nn.modules.linear', 'Identity')), pairs, 'b')));
    assert.ok(has(r, 'pickle/state-dunder'), summary(r));
  });
  it("a class's own __setstate__ consuming an object state is not flagged (RemovableHandle's (hooks, id))", async () => {
    const handle = newobj(global('torch.utils.hooks', 'RemovableHandle'));
    const r = await scan(pickle(bytes(handle, reduce(global('collections', 'OrderedDict')), 'K\x02\x86b')));
    assert.equal(r.verdict, 'clean', summary(r));
  });
});

describe('REDUCE arguments spread from a tuple subclass', () => {
  it('a higher-order allowed function given a structseq is malicious', async () => {
    const args = reduce(global('torch.return_types', 'linalg_lstsq'), bytes('(', UNKNOWN, global('torch', 'Tensor'), ')}t'));
    const r = await scan(pickle(bytes(global('torch._tensor', '_rebuild_from_type_v2'), args, 'R')));
    assert.ok(has(r, 'pickle/implicit-call'), summary(r));
  });
});

describe('the partial rule', () => {
  const partial = (...args: (string | Uint8Array)[]): Uint8Array => reduce(global('functools', 'partial'), ...args);
  it('a class allowed for `new` with constant arguments is inert (timm norm_layer)', async () => {
    const p = bytes(
      partial(global('torch.nn.modules.normalization', 'LayerNorm')),
      '(',
      global('torch.nn.modules.normalization', 'LayerNorm'),
      ')',
      dict([str('eps'), 'G?\xe0\x00\x00\x00\x00\x00\x00']),
      'Nt',
      'b',
    );
    const r = await scan(pickle(p));
    assert.equal(r.verdict, 'clean', summary(r));
  });
  it('a function allowed for `call` is inert', async () => {
    assert.equal((await scan(pickle(partial(global('builtins', 'str'), 'K\x01')))).verdict, 'clean');
  });
  it('the same class given a bound method is not', async () => {
    const bm = boundMethod(reduce(global('collections', 'OrderedDict')), 'update');
    const r = await scan(pickle(partial(global('torch.nn.modules.normalization', 'LayerNorm'), bm)));
    assert.equal(r.verdict, 'malicious', summary(r));
  });
  for (const [what, fn] of [
    ['a function allowed only as a stored value', global('sklearn.tree._export', 'export_graphviz')],
    ['an unknown class', UNKNOWN],
    ['a higher-order function', global('copyreg', '_reconstructor')],
    ['a denied function', global('os', 'system')],
  ] as const) {
    it(`${what} is malicious`, async () => {
      const r = await scan(pickle(partial(fn, str('/tmp/x'))));
      assert.equal(r.verdict, 'malicious', summary(r));
    });
  }
  it("dict's keys() slot applies to the arguments a partial fixes", async () => {
    const mapping = bytes(NS, dict([str('keys'), UNKNOWN]), 'b');
    const r = await scan(pickle(partial(global('builtins', 'dict'), mapping)));
    assert.equal(r.verdict, 'malicious', summary(r));
  });
});

describe('TorchBind objects name the class whose C++ __setstate__ runs', () => {
  const so = (name: Uint8Array | string): Uint8Array => bytes(newobj(global('torch', 'ScriptObject')), ')', name, '\x86b');
  it('quantized packed parameters are inert', async () => {
    assert.equal((await scan(pickle(so(str('__torch__.torch.classes.quantized.LinearPackedParamsBase'))))).verdict, 'clean');
  });
  it('another registered class is suspicious', async () => {
    assert.equal((await scan(pickle(so(str('__torch__.torch.classes.dist_c10d.ProcessGroup'))))).verdict, 'suspicious');
  });
  it('a computed name is malicious', async () => {
    assert.equal((await scan(pickle(so(reduce(global('builtins', 'str'), str('x')))))).verdict, 'malicious');
  });
});

describe('slots of rebuilt objects', () => {
  it('an allowed activation in TransformerEncoderLayer.activation is clean (forward calls it on tensors)', async () => {
    const layer = bytes(
      newobj(global('torch.nn.modules.transformer', 'TransformerEncoderLayer')),
      dict([str('activation'), global('torch.nn.functional', 'relu')]),
      'b',
    );
    assert.equal((await scan(pickle(layer))).verdict, 'clean');
  });
  it('an unknown user function there is suspicious (a callback), not malicious', async () => {
    const layer = bytes(
      newobj(global('torch.nn.modules.transformer', 'TransformerEncoderLayer')),
      dict([str('activation'), global('mylab.acts', 'swish')]),
      'b',
    );
    assert.equal((await scan(pickle(layer))).verdict, 'suspicious');
  });
  for (const [module, name] of [
    ['torch.nn.modules.linear', 'Linear'],
    // Public aliases denote the same class: its slots apply whatever name the stream writes.
    ['torch.nn', 'Linear'],
    ['torch', 'nn.Linear'],
  ] as const) {
    it(`the same unknown function shadowing extra_repr is malicious (${module}.${name})`, async () => {
      const lin = bytes(newobj(global(module, name)), dict([str('extra_repr'), global('mylab.acts', 'swish')]), 'b');
      const r = await scan(pickle(lin, 4));
      assert.ok(has(r, 'pickle/implicit-call'), summary(r));
    });
  }
  it('an optimizer written by its public name keeps the slots its own code calls', async () => {
    const t = bytes(newobj(global('torch.optim', 'Adam')), dict([str('_cuda_graph_capture_health_check'), global('mylab.acts', 'swish')]), 'b');
    const r = await scan(pickle(t));
    assert.ok(has(r, 'pickle/implicit-call'), summary(r));
  });
  it('list as a defaultdict factory is clean; a higher-order function there is malicious', async () => {
    assert.equal((await scan(pickle(reduce(global('collections', 'defaultdict'), global('builtins', 'list'))))).verdict, 'clean');
    assert.equal((await scan(pickle(reduce(global('collections', 'defaultdict'), global('copyreg', '_reconstructor'))))).verdict, 'malicious');
  });
  it('many BUILDs of one object holding a hooks container stay bounded', async () => {
    const od = reduce(global('collections', 'OrderedDict'));
    const parts: (string | Uint8Array)[] = [newobj(global('torch.nn.modules.linear', 'Linear')), od, 'q\x01', '0'];
    for (let i = 0; i < 2000; i++) parts.push(dict([str('_forward_hooks'), 'h\x01']), 'b');
    parts.push('h\x01(K\x00', global('torch.nn.functional', 'relu'), 'u0');
    assert.equal((await scan(pickle(bytes(...parts)))).verdict, 'clean');
  });
});
