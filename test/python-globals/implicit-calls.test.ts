/**
 * The implicit-call model: the derived table (scripts/implicit-calls/derive.py
 * over the libraries' sources) knows the chains the issue names, the curated
 * table covers C types, loader machinery and callers, and every entry says
 * why. `permitsUse` ties `invoke` to `arg` and `call`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CURATED, LOADER_ATTRS } from '../../src/python-globals/implicit-calls/curated.js';
import { DERIVED_CLASSES } from '../../src/python-globals/implicit-calls/derived.js';
import { isSlotName, slotsOf } from '../../src/python-globals/implicit-calls/model.js';
import type { CallableSlots, Slot } from '../../src/python-globals/implicit-calls/slots.js';
import { permitsUse, type AllowEntry } from '../../src/python-globals/types.js';

function slots(fqn: string): CallableSlots {
  const s = slotsOf(fqn);
  assert.ok(s !== undefined, `${fqn} unknown to the model`);
  return s;
}

function attr(fqn: string, name: string): Slot {
  const s = slots(fqn).attrs.get(name);
  assert.ok(s !== undefined, `${fqn}.${name} is not a slot`);
  return s;
}

describe('derived from the library sources', () => {
  it('every line parses: bases, methods, calls, held-object calls, setstate kind', () => {
    for (const [fqn, line] of Object.entries(DERIVED_CLASSES)) {
      const fields = line.split('|');
      assert.ok(fields.length <= 5, fqn);
      for (const tok of (fields[2] ?? '').split(' ').filter(Boolean)) assert.match(tok, /^[*+]*[A-Za-z_]\w*(\([\w,]*\))?$/, `${fqn}: ${tok}`);
      assert.ok(['', 'dict', 'own', 'super'].includes(fields[4] ?? ''), fqn);
    }
  });
  it("an optimizer's __setstate__ calls _hook_for_profile and defaults.setdefault (torch/optim/optimizer.py)", () => {
    assert.ok(attr('torch.optim.sgd.SGD', '_hook_for_profile'));
    assert.ok(slots('torch.optim.adam.Adam').via.get('defaults')?.includes('setdefault'));
    assert.equal(slots('torch.optim.sgd.SGD').setstate, 'dict');
  });
  it('Module.__repr__ calls extra_repr, __call__ forward and the hook containers; every subclass inherits them', () => {
    for (const cls of [
      'torch.nn.modules.linear.Linear',
      'torch.nn.modules.activation.MultiheadAttention',
      'torch.ao.nn.quantized.dynamic.modules.linear.Linear',
    ]) {
      assert.ok(attr(cls, 'extra_repr'));
      assert.ok(attr(cls, 'forward'));
      assert.equal(attr(cls, '_forward_hooks').items, true);
      assert.equal(attr(cls, '_backward_hooks').items, true, 'curated: backward hooks run on backward()');
      assert.equal(slots(cls).setstate, 'dict', `${cls}: Module.__setstate__ updates __dict__ (subclasses defer to it)`);
    }
  });
  it("a transformer layer's activation is a user callback called on tensors (invoke)", () => {
    const s = attr('torch.nn.modules.transformer.TransformerEncoderLayer', 'activation');
    assert.equal(s.callback, true);
    assert.equal(s.calls, 'invoke');
    assert.equal(s.passes, undefined);
  });
  it("FunctionTransformer calls func with kw_args: the file's own arguments", () => {
    const s = attr('sklearn.preprocessing._function_transformer.FunctionTransformer', 'func');
    assert.ok(s.passes?.includes('kw_args'));
  });
  it('OneCycleLR calls anneal_func with numbers from its state, and it is no user callback', () => {
    const s = attr('torch.optim.lr_scheduler.OneCycleLR', 'anneal_func');
    assert.notEqual(s.callback, true);
    assert.ok((s.passes ?? []).length > 0);
  });
  it('a thread calls _target with _args and exists to do so', () => {
    assert.ok(attr('threading.Thread', '_target').passes?.includes('_args'));
    assert.ok(slots('threading.Thread').purpose !== undefined);
    assert.ok(slots('threading.Timer').purpose !== undefined, 'a subclass inherits the purpose');
  });
  it('classes with their own __setstate__ consume the state (RemovableHandle, Tensor)', () => {
    assert.equal(slots('torch.utils.hooks.RemovableHandle').setstate, 'own');
    assert.equal(slots('torch.nn.parameter.Parameter').setstate, 'own');
    assert.equal(slots('argparse.Namespace').setstate, 'none');
  });
  it('an unknown class has no slots', () => {
    assert.equal(slotsOf('mylab.models.Net'), undefined);
  });
});

describe('curated', () => {
  it('every entry says why, every slot when', () => {
    for (const e of CURATED) {
      assert.ok(e.why.length > 20, e.names.join());
      for (const s of e.slots ?? []) assert.ok(s.when.length > 0, e.names.join());
    }
  });
  it('defaultdict calls its factory (argument and writable member); dict constructors call keys() of a mapping argument', () => {
    const dd = slots('collections.defaultdict');
    assert.ok(dd.args.some((s) => 'arg' in s.at && s.at.arg === 0 && s.calls === 'invoke'));
    assert.ok(dd.attrs.get('default_factory'));
    for (const c of ['builtins.dict', 'collections.OrderedDict', 'collections.Counter']) {
      assert.ok(
        slots(c).args.some((s) => s.methods?.includes('keys')),
        c,
      );
    }
    assert.equal(slots('collections.OrderedDict').mapping, true);
  });
  it('dict methods are slots of dict subclasses (an instance attribute keys shadows dict.keys)', () => {
    assert.ok(attr('collections.OrderedDict', 'keys'));
    assert.ok(attr('collections.OrderedDict', 'items'));
  });
  it('functools.partial is judged by the partial rule; TorchBind objects by their class name', () => {
    assert.equal(slots('functools.partial').partial, true);
    assert.equal(slots('torch.ScriptObject').torchbind, true);
  });
  it('tensor rebuilders hand their backward hooks over', () => {
    assert.ok(slots('torch._utils._rebuild_tensor_v2').args.some((s) => 'arg' in s.at && s.at.arg === 5 && s.items === true));
  });
  it('callers never inert: weak-reference callbacks, map, checkpoint, vectorize', () => {
    for (const c of ['weakref.ref', 'builtins.map', 'torch.utils.checkpoint.checkpoint', 'numpy.vectorize', 'itertools.starmap']) {
      assert.ok(slots(c).purpose !== undefined, c);
    }
  });
  it('dicts whose __getattr__ returns items', () => {
    assert.equal(slots('pytorch_lightning.utilities.parsing.AttributeDict').itemsAreAttributes, true);
  });
});

describe('isSlotName (BUILD states keep these keys whatever their size)', () => {
  it('holds loader attributes, method names and called attributes', () => {
    for (const n of [...LOADER_ATTRS.append, ...LOADER_ATTRS.add, 'extra_repr', '_hook_for_profile', 'default_factory', 'keys', 'setdefault', 'kw_args']) {
      assert.ok(isSlotName(n), n);
    }
  });
  it('does not hold an attribute no slot uses', () => {
    assert.equal(isSlotName('no_slot_uses_this_attribute'), false);
  });
});

describe('permitsUse', () => {
  const e = (uses: AllowEntry['uses'], effects?: AllowEntry['effects']): AllowEntry => ({ name: 'x.y', uses, why: 'test', ...(effects ? { effects } : {}) });
  it('invoke is implied by arg (calling the stored value is vouched inert) and by call', () => {
    assert.equal(permitsUse(e(['arg']), 'invoke'), true);
    assert.equal(permitsUse(e(['call']), 'invoke'), true);
    assert.equal(permitsUse(e(['new', 'build']), 'invoke'), false);
  });
  it('not for higher-order entries: what they do depends on arguments chosen later', () => {
    assert.equal(permitsUse(e(['call', 'arg'], { callArg: { fn: 0 } }), 'invoke'), false);
    assert.equal(permitsUse(e(['call', 'arg'], { callArg: { fn: 0 } }), 'call'), true);
  });
  it('arg does not imply call', () => {
    assert.equal(permitsUse(e(['arg']), 'call'), false);
  });
});
