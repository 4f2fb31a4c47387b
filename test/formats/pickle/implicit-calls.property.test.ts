/**
 * Gadget chains generated from the implicit-call model (issue 13, item 6):
 * a callable nobody vouches for (a denied or unknown global, a bound method,
 * a partial, a higher-order allowed function, a thread) placed in each slot
 * the model lists, reached through each opcode route that builds the holder
 * (REDUCE, NEWOBJ, NEWOBJ_EX, OBJ, INST, copyreg helpers), with dict, slot
 * and mixed BUILD states, SETITEMS on dict subclasses, containers filled
 * after the BUILD, and the whole wrapped in containers. None may come out
 * `clean`; outside slots where users put their own functions, every one is
 * `malicious`. Small run count by default, more under SLOW=1.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { scanBuffer } from '../../../src/scan/engine.js';
import { SLOW } from '../helpers.js';
import { boundMethod, bytes, dict, global, newobj, pickle, reduce, str, type Part } from './assemble.js';

const RUNS = SLOW ? 3000 : 120;

/** How the holder object is built. */
type Route = 'newobj' | 'newobj_ex' | 'copyreg_newobj' | 'reconstructor' | 'obj' | 'inst';
/** How a BUILD state carries the attributes. */
type StateForm = 'dict' | 'slots' | 'both';

interface Ctx {
  stack: boolean;
  route: Route;
  form: StateForm;
}

const g = (c: Ctx, m: string, n: string): Uint8Array => global(m, n, c.stack);

function construct(c: Ctx, module: string, name: string): Uint8Array {
  switch (c.route) {
    case 'newobj':
      return newobj(g(c, module, name));
    case 'newobj_ex':
      return bytes(g(c, module, name), ')}', '\x92');
    case 'copyreg_newobj':
      return reduce(g(c, 'copyreg', '__newobj__'), g(c, module, name));
    case 'reconstructor':
      return reduce(g(c, 'copyreg', '_reconstructor'), g(c, module, name), g(c, 'builtins', 'object'), 'N');
    case 'obj':
      return bytes('(', g(c, module, name), 'o');
    case 'inst':
      return bytes(`(i${module}\n${name}\n`);
  }
}

/** BUILD with attributes `pairs`, in the chosen state form. */
function build(c: Ctx, ...pairs: [Part, Part][]): Uint8Array {
  const d = dict(...pairs);
  if (c.form === 'dict') return bytes(d, 'b');
  if (c.form === 'slots') return bytes('N', d, '\x86', 'b');
  return bytes('}', d, '\x86', 'b');
}

/** An object of class module.name with attributes set by BUILD. */
const holder = (c: Ctx, module: string, name: string, ...pairs: [Part, Part][]): Uint8Array => bytes(construct(c, module, name), build(c, ...pairs));

/** An OrderedDict filled by SETITEMS. */
const ordered = (c: Ctx, ...pairs: [Part, Part][]): Uint8Array => bytes(reduce(g(c, 'collections', 'OrderedDict')), '(', ...pairs.flat(), 'u');

interface Payload {
  name: string;
  denied: boolean;
  ops: (c: Ctx) => Uint8Array;
}

/** Callables nobody vouches for as inert to call. */
const PAYLOADS: readonly Payload[] = [
  { name: 'os.system', denied: true, ops: (c) => g(c, 'os', 'system') },
  { name: 'builtins.eval', denied: true, ops: (c) => g(c, 'builtins', 'eval') },
  { name: 'subprocess.Popen', denied: true, ops: (c) => g(c, 'subprocess', 'Popen') },
  { name: 'mailbox.Maildir (on no list)', denied: false, ops: (c) => g(c, 'mailbox', 'Maildir') },
  { name: 'an unknown function', denied: false, ops: (c) => g(c, 'trainer.callbacks', 'on_load') },
  { name: 'bound PosixPath.touch', denied: true, ops: (c) => boundMethod(reduce(g(c, 'pathlib', 'PosixPath'), str('/tmp/x')), 'touch') },
  { name: 'bound OrderedDict.update', denied: false, ops: (c) => boundMethod(reduce(g(c, 'collections', 'OrderedDict')), 'update') },
  { name: 'partial(mailbox.Maildir, path)', denied: false, ops: (c) => reduce(g(c, 'functools', 'partial'), g(c, 'mailbox', 'Maildir'), str('/tmp/x')) },
  { name: 'partial(os.system, cmd)', denied: true, ops: (c) => reduce(g(c, 'functools', 'partial'), g(c, 'os', 'system'), str('id')) },
  { name: 'copyreg._reconstructor (higher-order)', denied: false, ops: (c) => g(c, 'copyreg', '_reconstructor') },
  { name: '_rebuild_from_type_v2 (higher-order)', denied: false, ops: (c) => g(c, 'torch._tensor', '_rebuild_from_type_v2') },
  { name: 'a thread', denied: false, ops: (c) => holder(c, 'threading', 'Thread', [str('_target'), g(c, 'trainer', 'step')]) },
];

interface SlotCase {
  name: string;
  /** Users put their own functions there: an unknown one may stay suspicious. */
  callback?: boolean;
  body: (c: Ctx, p: Uint8Array) => Uint8Array;
}

const NN = 'torch.nn.modules.linear';
const SHADOWED = ['extra_repr', 'forward', '_get_name', 'state_dict', 'named_modules', '_apply', 'train'];

/** The slots the model lists, each with the route that reaches it. */
const SLOTS: readonly SlotCase[] = [
  // A module-level factory of one's own (the picklable nested-defaultdict idiom) is a user callback.
  { name: 'defaultdict factory (REDUCE argument)', callback: true, body: (c, p) => reduce(g(c, 'collections', 'defaultdict'), p) },
  {
    name: 'defaultdict factory (BUILD slot state)',
    callback: true,
    body: (c, p) => bytes(reduce(g(c, 'collections', 'defaultdict')), 'N', dict([str('default_factory'), p]), '\x86', 'b'),
  },
  {
    name: 'keys() of a mapping given to OrderedDict',
    body: (c, p) => reduce(g(c, 'collections', 'OrderedDict'), holder(c, 'argparse', 'Namespace', [str('keys'), p])),
  },
  { name: 'keys() of a mapping given to dict', body: (c, p) => reduce(g(c, 'builtins', 'dict'), holder(c, 'argparse', 'Namespace', [str('keys'), p])) },
  ...SHADOWED.map((attr): SlotCase => ({ name: `Module attribute shadowing ${attr}()`, body: (c, p) => holder(c, NN, 'Linear', [str(attr), p]) })),
  { name: 'Module forward hook', body: (c, p) => holder(c, NN, 'Linear', [str('_forward_hooks'), ordered(c, ['K\x00', p])]) },
  { name: 'Module state-dict hook', body: (c, p) => holder(c, NN, 'Linear', [str('_state_dict_hooks'), ordered(c, ['K\x00', p])]) },
  { name: 'Module backward hook (plain dict)', body: (c, p) => holder(c, NN, 'Linear', [str('_backward_hooks'), dict(['K\x00', p])]) },
  {
    name: 'Module forward pre-hook added after the BUILD',
    body: (c, p) =>
      bytes(
        construct(c, NN, 'Linear'),
        '}',
        str('_forward_pre_hooks'),
        reduce(g(c, 'collections', 'OrderedDict')),
        'r\x07\x00\x00\x00',
        's',
        'b',
        'j\x07\x00\x00\x00',
        '(K\x00',
        p,
        'u0',
      ),
  },
  { name: 'Optimizer __setstate__ calls _hook_for_profile', body: (c, p) => holder(c, 'torch.optim.sgd', 'SGD', [str('_hook_for_profile'), p]) },
  {
    name: 'Optimizer __setstate__ calls defaults.setdefault',
    body: (c, p) => holder(c, 'torch.optim.sgd', 'SGD', [str('defaults'), holder(c, 'argparse', 'Namespace', [str('setdefault'), p])]),
  },
  { name: 'OneCycleLR anneal_func', body: (c, p) => holder(c, 'torch.optim.lr_scheduler', 'OneCycleLR', [str('anneal_func'), p]) },
  { name: 'LambdaLR lr_lambdas', callback: true, body: (c, p) => holder(c, 'torch.optim.lr_scheduler', 'LambdaLR', [str('lr_lambdas'), bytes(']', p, 'a')]) },
  { name: 'APPEND calls an instance append', body: (c, p) => bytes(holder(c, 'argparse', 'Namespace', [str('append'), p]), 'K\x01a') },
  { name: 'APPENDS calls an instance extend', body: (c, p) => bytes(holder(c, 'argparse', 'Namespace', [str('extend'), p]), '(K\x01e') },
  { name: 'ADDITEMS calls an instance add', body: (c, p) => bytes(holder(c, 'argparse', 'Namespace', [str('add'), p]), '(K\x01\x90') },
  { name: 'functools.partial (REDUCE)', body: (c, p) => reduce(g(c, 'functools', 'partial'), p) },
  { name: 'functools.partial (NEWOBJ)', body: (c, p) => bytes(g(c, 'functools', 'partial'), '(', p, 't\x81') },
  { name: 'functools.partial (NEWOBJ_EX)', body: (c, p) => bytes(g(c, 'functools', 'partial'), '(', p, 't}\x92') },
  { name: 'functools.partial (OBJ)', body: (c, p) => bytes('(', g(c, 'functools', 'partial'), p, 'o') },
  { name: 'functools.partial (copyreg.__newobj__)', body: (c, p) => reduce(g(c, 'copyreg', '__newobj__'), g(c, 'functools', 'partial'), p) },
  {
    name: 'functools.partial (copyreg.__newobj_ex__)',
    body: (c, p) => reduce(g(c, 'copyreg', '__newobj_ex__'), g(c, 'functools', 'partial'), bytes('(', p, 't'), '}'),
  },
  {
    name: 'functools.partial (copyreg._reconstructor)',
    body: (c, p) => reduce(g(c, 'copyreg', '_reconstructor'), g(c, 'functools', 'partial'), g(c, 'functools', 'partial'), p),
  },
  {
    name: 'defaultdict factory through copyreg._reconstructor (base.__init__(obj, factory))',
    callback: true,
    body: (c, p) => reduce(g(c, 'copyreg', '_reconstructor'), g(c, 'collections', 'defaultdict'), g(c, 'collections', 'defaultdict'), p),
  },
  { name: 'functools.partial (BUILD state)', body: (c, p) => bytes(reduce(g(c, 'functools', 'partial'), g(c, 'builtins', 'list')), '(', p, ')NNt', 'b') },
  { name: 'thread target', body: (c, p) => holder(c, 'threading', 'Thread', [str('_target'), p], [str('_args'), ')']) },
  { name: 'checkpoint function', body: (c, p) => reduce(g(c, 'torch.utils.checkpoint', 'checkpoint'), p) },
  { name: '_rebuild_from_type_v2 function', body: (c, p) => reduce(g(c, 'torch._tensor', '_rebuild_from_type_v2'), p, g(c, 'torch', 'Tensor'), ')', '}') },
  {
    name: 'tensor backward hooks',
    body: (c, p) => reduce(g(c, 'torch._utils', '_rebuild_tensor_v2'), 'N', 'K\x00', ')', ')', '\x89', ordered(c, ['K\x00', p])),
  },
  {
    name: 'state key computed by str()',
    body: (c, p) => bytes(construct(c, 'argparse', 'Namespace'), '}', reduce(g(c, 'builtins', 'str'), str('__setstate__')), p, 's', 'b'),
  },
  {
    name: 'state key computed by numpy.str_()',
    body: (c, p) => bytes(construct(c, 'argparse', 'Namespace'), '}', reduce(g(c, 'numpy', 'str_'), str('__setstate__')), p, 's', 'b'),
  },
  { name: 'state that is an OrderedDict', body: (c, p) => bytes(construct(c, 'argparse', 'Namespace'), ordered(c, [str('__setstate__'), p]), 'b') },
  {
    name: 'items of a dict whose __getattr__ returns items',
    body: (c, p) => bytes(construct(c, 'pytorch_lightning.utilities.parsing', 'AttributeDict'), '(', str('__setstate__'), p, 'u', 'Nb'),
  },
  {
    name: 'scikit-learn FunctionTransformer func with kw_args',
    callback: true,
    body: (c, p) =>
      holder(c, 'sklearn.preprocessing._function_transformer', 'FunctionTransformer', [str('func'), p], [str('kw_args'), dict([str('a'), 'K\x01'])]),
  },
  {
    name: 'scikit-learn preprocessor',
    callback: true,
    body: (c, p) => holder(c, 'sklearn.feature_extraction.text', 'CountVectorizer', [str('preprocessor'), p]),
  },
];

type Wrap = 'none' | 'list' | 'dict' | 'tuple' | 'memo';

function wrap(w: Wrap, body: Uint8Array): Uint8Array {
  switch (w) {
    case 'none':
      return body;
    case 'list':
      return bytes(']', body, 'a');
    case 'dict':
      return bytes('}', str('model'), body, 's');
    case 'tuple':
      return bytes(body, '\x85');
    case 'memo':
      return bytes(body, 'q\x09', '0', 'h\x09');
  }
}

const ctxArb = fc.record({
  stack: fc.boolean(),
  route: fc.constantFrom<Route>('newobj', 'newobj_ex', 'copyreg_newobj', 'reconstructor', 'obj', 'inst'),
  form: fc.constantFrom<StateForm>('dict', 'slots', 'both'),
});

describe('implicit-call gadget chains', () => {
  it('none comes out clean; outside user-callback slots, every one is malicious', async () => {
    await fc.assert(
      fc.asyncProperty(
        ctxArb,
        fc.constantFrom(...PAYLOADS),
        fc.constantFrom(...SLOTS),
        fc.constantFrom<Wrap>('none', 'list', 'dict', 'tuple', 'memo'),
        async (c, payload, slot, w) => {
          const data = pickle(wrap(w, slot.body(c, payload.ops(c))), c.stack ? 4 : 2);
          const r = await scanBuffer(data, 'gadget.pkl');
          const why = `${slot.name} <- ${payload.name} (${JSON.stringify(c)}, ${w}): ${r.findings.map((f) => `${f.severity} ${f.rule} ${f.message}`).join(' | ')}`;
          assert.notEqual(r.verdict, 'clean', why);
          if (payload.denied || slot.callback !== true) assert.equal(r.verdict, 'malicious', why);
          assert.ok(!r.findings.some((f) => f.rule === 'engine/internal-error'), why);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('every slot and payload pair, with the plainest route', async () => {
    const c: Ctx = { stack: false, route: 'newobj', form: 'dict' };
    const failures: string[] = [];
    for (const slot of SLOTS) {
      for (const payload of PAYLOADS) {
        const r = await scanBuffer(pickle(slot.body(c, payload.ops(c))), 'gadget.pkl');
        const want = payload.denied || slot.callback !== true ? ['malicious'] : ['malicious', 'suspicious'];
        if (!want.includes(r.verdict)) {
          failures.push(
            `${slot.name} <- ${payload.name}: ${r.verdict}: ${r.findings.map((f) => `${f.severity} ${f.rule} ${f.message.slice(0, 160)}`).join(' | ')}`,
          );
        }
      }
    }
    assert.deepEqual(failures, []);
  });
});
