/**
 * The hand-written half of the implicit-call model: what `derived.ts`
 * cannot read from Python sources. C types (their methods and the calls
 * CPython makes on their arguments), loader machinery, classes whose purpose
 * is to call something later, callbacks that flow between libraries, and
 * the tensor rebuilders' hook containers. A table, so long.
 *
 * Each entry says what calls what and where that was read: CPython 3.11
 * (Objects/dictobject.c, Objects/odictobject.c, Modules/_collectionsmodule.c,
 * Modules/_functoolsmodule.c, Modules/_pickle.c, Lib/threading.py...), torch
 * 1.13 (torch/_utils.py, torch/_tensor.py, torch/nn/modules/module.py,
 * torch/optim/lr_scheduler.py, torch/csrc/jit/python/script_init.cpp),
 * scikit-learn 1.2, numpy 1.24.
 */
import type { SetstateKind, Slot } from './slots.js';

export interface CuratedEntry {
  /** Classes or functions, as allow-entry names or patterns. */
  names: readonly string[];
  /** What calls what, and the source it was read from. */
  why: string;
  /** Fully qualified bases, for C types the derivation cannot see. */
  bases?: readonly string[];
  /** Methods an instance attribute of the same name would shadow (C types). */
  methods?: readonly string[];
  slots?: readonly Slot[];
  /** Exists to call something later: rebuilding it is never inert (the text says what it calls). */
  purpose?: string;
  itemsAreAttributes?: true;
  partial?: true;
  torchbind?: true;
  /** What BUILD does with the state (C types; the derivation reads Python `__setstate__`s). */
  setstate?: SetstateKind;
}

const DICT_METHODS = ['clear', 'copy', 'fromkeys', 'get', 'items', 'keys', 'pop', 'popitem', 'setdefault', 'update', 'values'];
const LIST_METHODS = ['append', 'clear', 'copy', 'count', 'extend', 'index', 'insert', 'pop', 'remove', 'reverse', 'sort'];
const SET_METHODS = [
  'add',
  'clear',
  'copy',
  'difference',
  'difference_update',
  'discard',
  'intersection',
  'intersection_update',
  'isdisjoint',
  'issubset',
  'issuperset',
  'pop',
  'remove',
  'symmetric_difference',
  'symmetric_difference_update',
  'union',
  'update',
];

/** dict(x), dict.update(x), OrderedDict(x), defaultdict(f, x): a non-dict argument's `keys()` (then `x[k]`). */
const MAPPING_ARG = (arg: number, methods: readonly string[]): Slot => ({
  at: { arg },
  calls: 'invoke',
  methods,
  when: 'the constructor reads a mapping argument',
});

/** The callable a caller class or function is given: called with arguments from the file. */
const CALLABLE_ARG = (arg: number, when: string): Slot => ({ at: { arg }, calls: 'call', when });

/** Tensor `_backward_hooks`: torch runs each hook on the gradient during backward (Note [Don't serialize hooks]: pickles always hold an empty dict). */
const BACKWARD_HOOKS = (arg: number): Slot => ({ at: { arg }, calls: 'invoke', items: true, when: 'backward() runs the tensor hooks' });

/** scikit-learn parameters that hold user callables, and the parameter dicts passed to them. */
const SKLEARN_CALLBACKS: readonly [string, readonly string[]][] = [
  ['func', ['kw_args']],
  ['inverse_func', ['inv_kw_args']],
  ['score_func', []],
  ['_score_func', ['_kwargs']],
  ['scoring', []],
  ['refit', []],
  ['metric', ['metric_params', 'effective_metric_params_']],
  ['effective_metric_', ['metric_params', 'effective_metric_params_']],
  ['kernel', ['kernel_params']],
  ['affinity', ['kernel_params']],
  ['preprocessor', []],
  ['tokenizer', []],
  ['analyzer', []],
  ['strip_accents', []],
  ['cv', ['cvargs']],
  ['loss', []],
];

export const CURATED: readonly CuratedEntry[] = [
  // --- C containers: their methods, and what their constructors call on an argument.
  {
    names: ['builtins.dict'],
    why: 'dict_update_arg (Objects/dictobject.c): a non-dict argument that has `keys` is merged by calling `keys()` (looked up on the instance) and then `arg[key]`',
    methods: DICT_METHODS,
    slots: [MAPPING_ARG(0, ['keys'])],
  },
  { names: ['builtins.list'], why: 'list methods (Objects/listobject.c)', methods: LIST_METHODS },
  { names: ['builtins.set', 'builtins.frozenset'], why: 'set methods (Objects/setobject.c)', methods: SET_METHODS },
  {
    names: ['collections.OrderedDict'],
    why: "mutablemapping_update_arg (Objects/odictobject.c): a non-dict argument's `keys()` is called (then `arg[key]`), or failing that its `items()`",
    bases: ['builtins.dict'],
    methods: ['move_to_end'],
    slots: [MAPPING_ARG(0, ['keys', 'items'])],
  },
  {
    names: ['collections.defaultdict'],
    why: "defdict_missing (Modules/_collectionsmodule.c) calls default_factory with no arguments on a missing key; defdict_init takes it from the first argument, defdict_reduce writes it there, and it is a writable member (BUILD slot state sets it); the second argument is merged like dict's",
    bases: ['builtins.dict'],
    slots: [
      { at: { arg: 0 }, calls: 'invoke', callback: true, when: 'a missing key (d[k], d.setdefault is not involved)' },
      { at: { attr: 'default_factory' }, calls: 'invoke', callback: true, when: 'a missing key' },
      MAPPING_ARG(1, ['keys']),
    ],
  },
  {
    names: ['collections.deque'],
    why: 'deque methods (Modules/_collectionsmodule.c)',
    methods: ['append', 'appendleft', 'clear', 'copy', 'count', 'extend', 'extendleft', 'index', 'insert', 'pop', 'popleft', 'remove', 'reverse', 'rotate'],
  },
  {
    names: ['collections.Counter', 'collections.UserDict'],
    why: 'Counter.__init__ and UserDict.__init__ call self.update(arg): a Mapping is merged through dict.update (its `keys()`), UserDict through MutableMapping.update (`keys()` of a non-Mapping that has it)',
    slots: [MAPPING_ARG(0, ['keys'])],
  },
  // --- items that are attributes
  {
    names: [
      'pytorch_lightning.utilities.parsing.AttributeDict',
      'lightning_fabric.utilities.data.AttributeDict',
      'lightning.fabric.utilities.data.AttributeDict',
    ],
    why: "a dict whose __getattr__ returns self[key]: getattr(obj, '__setstate__') (BUILD), '__deepcopy__' (copy.deepcopy) and other protocol lookups that miss the class fall back to items",
    bases: ['builtins.dict'],
    itemsAreAttributes: true,
  },
  {
    names: ['sklearn.utils._bunch.Bunch', 'sklearn.utils.Bunch'],
    why: "sklearn/utils/_bunch.py: __getattr__ returns self[key], so copy.deepcopy's getattr(x, '__deepcopy__') and similar protocol lookups reach items",
    bases: ['builtins.dict'],
    itemsAreAttributes: true,
  },
  // --- functools.partial: judged by the partial rule.
  {
    names: ['functools.partial'],
    setstate: 'own',
    why: 'partial_new/partial_setstate (Modules/_functoolsmodule.c): func is the first argument (or the first item of the (func, args, kwds, dict) state); whoever calls the partial calls func(*args, *more, **kwds): func is called with arguments from the file',
    partial: true,
    slots: [CALLABLE_ARG(0, 'whoever calls the partial'), { at: { stateItem: 0 }, calls: 'call', when: 'whoever calls the partial' }],
  },
  // --- classes and functions whose purpose is to call something.
  {
    names: ['threading.Thread', 'threading.Timer', 'threading._DummyThread', 'threading._MainThread'],
    why: 'Lib/threading.py: Thread.run calls self._target(*self._args, **self._kwargs); Timer.run calls self.function(*self.args, **self.kwargs); start() or run() is all it takes',
    purpose: 'runs its target when started',
    slots: [
      { at: { attr: '_target' }, calls: 'call', when: 'start() or run()' },
      { at: { attr: 'function' }, calls: 'call', when: 'start() or run()' },
      { at: { keyword: 'target' }, calls: 'call', when: 'start() or run()' },
      CALLABLE_ARG(1, 'start() or run()'),
    ],
  },
  {
    names: ['concurrent.futures.thread.ThreadPoolExecutor', 'concurrent.futures.ThreadPoolExecutor'],
    why: 'Lib/concurrent/futures/thread.py: each worker calls initializer(*initargs) when it starts',
    purpose: 'runs its initializer in every worker thread',
    slots: [CALLABLE_ARG(2, 'the first submit()'), { at: { attr: '_initializer' }, calls: 'call', when: 'the first submit()' }],
  },
  {
    names: ['sched.scheduler'],
    why: 'Lib/sched.py: run() calls timefunc, delayfunc and every queued action',
    purpose: 'calls its time functions and queued actions when run',
    slots: [CALLABLE_ARG(0, 'run()'), CALLABLE_ARG(1, 'run()')],
  },
  {
    names: ['weakref.ref', 'weakref.ReferenceType', '_weakref.ref', 'weakref.KeyedRef', 'weakref.WeakMethod', 'weakref.finalize', 'atexit.register'],
    why: 'Objects/weakrefobject.c calls a reference callback when its referent is collected (which the loader can arrange right away); weakref.finalize and atexit run theirs at collection or exit',
    purpose: 'calls its callback when the referent dies or the process exits',
    slots: [CALLABLE_ARG(1, 'the referent is collected'), CALLABLE_ARG(0, 'exit')],
  },
  {
    names: ['builtins.map', 'builtins.filter', 'builtins.iter', 'itertools.starmap', 'itertools.filterfalse', 'itertools.dropwhile', 'itertools.takewhile'],
    why: 'map/filter objects and itertools iterators (Python 3.11 pickles them) call their function on every item when iterated; iter(f, sentinel) calls f on every step',
    purpose: 'calls its function on every item when iterated',
    slots: [CALLABLE_ARG(0, 'iteration')],
  },
  {
    names: ['itertools.accumulate', 'itertools.groupby'],
    why: 'accumulate(iterable, func) and groupby(iterable, key) call their second argument on every item when iterated',
    purpose: 'calls its function on every item when iterated',
    slots: [CALLABLE_ARG(1, 'iteration')],
  },
  {
    names: [
      'torch.utils.checkpoint.checkpoint',
      'torch.utils.checkpoint.checkpoint_sequential',
      'torch.utils.checkpoint.CheckpointFunction',
      'torch.utils.checkpoint.CheckpointFunction.apply',
    ],
    why: 'torch/utils/checkpoint.py: checkpoint(function, *args) calls function(*args) at once (and again on backward); checkpoint_sequential calls each function',
    purpose: 'calls its first argument with the rest',
    slots: [CALLABLE_ARG(0, 'the call itself')],
  },
  {
    names: [
      'numpy.vectorize',
      'numpy.lib.function_base.vectorize',
      'numpy.frompyfunc',
      'numpy.core.umath.frompyfunc',
      'numpy.apply_along_axis',
      'numpy.lib.shape_base.apply_along_axis',
      'numpy.apply_over_axes',
      'numpy.lib.shape_base.apply_over_axes',
      'numpy.fromfunction',
      'numpy.core.numeric.fromfunction',
    ],
    why: 'numpy/lib/function_base.py vectorize.__call__ calls pyfunc on every element; frompyfunc makes a ufunc that calls func; apply_along_axis, apply_over_axes and fromfunction call their function at once',
    purpose: 'calls a Python function on array data',
    slots: [CALLABLE_ARG(0, 'the call or its use')],
  },
  // --- tensors and modules
  {
    names: ['torch._utils._rebuild_tensor_v2'],
    why: 'torch/_utils.py: _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks) sets tensor._backward_hooks',
    slots: [BACKWARD_HOOKS(5)],
  },
  {
    names: ['torch._utils._rebuild_parameter', 'torch._utils._rebuild_parameter_with_state'],
    why: 'torch/_utils.py: _rebuild_parameter(data, requires_grad, backward_hooks) sets param._backward_hooks',
    slots: [BACKWARD_HOOKS(2)],
  },
  {
    names: ['torch._utils._rebuild_qtensor'],
    why: 'torch/_utils.py: _rebuild_qtensor(..., requires_grad, backward_hooks) sets tensor._backward_hooks',
    slots: [BACKWARD_HOOKS(6)],
  },
  {
    names: ['torch.Tensor', 'torch._tensor.Tensor', 'torch.nn.parameter.Parameter'],
    why: 'torch/_tensor.py Tensor.__setstate__: `self.requires_grad, _, self._backward_hooks = state` (and the 5-item legacy form)',
    setstate: 'own',
    slots: [{ at: { stateItem: 'all' }, calls: 'invoke', items: true, when: 'backward() runs the tensor hooks' }],
  },
  {
    names: ['torch.nn.modules.module.Module'],
    why: 'torch/nn/modules/module.py: backward hooks run on backward, load_state_dict post hooks after load_state_dict (the derivation sees the forward and state-dict hooks); submodules are called by forward (Module.__getattr__ returns _modules items, Sequential iterates them)',
    slots: [
      { at: { attr: '_modules' }, calls: 'invoke', items: true, when: 'forward()' },
      { at: { attr: '_backward_hooks' }, calls: 'invoke', items: true, when: 'backward()' },
      { at: { attr: '_load_state_dict_post_hooks' }, calls: 'invoke', items: true, when: 'load_state_dict()' },
    ],
  },
  {
    names: ['torch.ScriptObject', 'torch._C.ScriptObject'],
    why: "torch/csrc/jit/python/script_init.cpp: a ScriptObject's state is (object state, qualified name); __setstate__ looks the name up among registered TorchBind classes and runs that class's C++ __setstate__",
    torchbind: true,
    setstate: 'own',
  },
  {
    names: [
      'numpy.ndarray',
      'numpy.core.numeric.ndarray',
      'numpy.core.records.ndarray',
      'numpy.core.multiarray.ndarray',
      'numpy._core.multiarray.ndarray',
      'numpy.dtype',
      'numpy.dtypes.*',
      'numpy.random.mtrand.RandomState',
      'numpy.random._generator.Generator',
      'numpy.random.bit_generator.*',
      'numpy.random._mt19937.MT19937',
      'numpy.random._pcg64.*',
      'numpy.random._philox.Philox',
      'numpy.random._sfc64.SFC64',
      'torch._C._TensorBase',
      'torch.Size',
      'torch.device',
      'torch.dtype',
    ],
    why: 'C and Cython types whose __setstate__ reads a tuple or a dict of fields (numpy/core/src/multiarray, numpy/random/*.pyx, torch/csrc): the state never becomes instance attributes',
    setstate: 'own',
  },
  {
    names: ['torch.optim.lr_scheduler.LambdaLR', 'torch.optim.lr_scheduler.MultiplicativeLR'],
    why: 'torch/optim/lr_scheduler.py get_lr: `lmbda(self.last_epoch) for lmbda, base_lr in zip(self.lr_lambdas, self.base_lrs)` (zip hides it from the derivation)',
    slots: [{ at: { attr: 'lr_lambdas' }, calls: 'call', items: true, callback: true, when: 'scheduler.step()' }],
  },
  {
    names: ['torch.optim.lr_scheduler.CyclicLR'],
    why: 'torch/optim/lr_scheduler.py CyclicLR.scale_fn calls self._scale_fn_custom(x), the user function',
    slots: [{ at: { attr: '_scale_fn_custom' }, calls: 'call', callback: true, when: 'scheduler.step()' }],
  },
  // --- scikit-learn: callables that travel through helper functions (pairwise_kernels, check_scoring...).
  {
    names: ['sklearn.**.{Class}'],
    why: 'scikit-learn estimators hand these parameters to helpers that call them (pairwise_kernels(metric=self.kernel, **self.kernel_params), _VectorizerMixin.build_preprocessor returning self.preprocessor, check_scoring, _RepeatedSplits calling self.cv(**self.cvargs)...): user functions live here',
    slots: SKLEARN_CALLBACKS.map(([attr, passes]): Slot => ({ at: { attr }, calls: 'invoke', callback: true, passes, when: 'fit, predict or transform' })),
  },
];

/**
 * Attributes the unpickler itself looks up on an instance (Modules/_pickle.c
 * do_append, load_additems): APPEND(S) on anything but a list calls
 * `obj.extend(items)` or `obj.append(item)`, ADDITEMS on anything but a set
 * calls `obj.add(item)`, with items from the file.
 */
export const LOADER_ATTRS: Readonly<Record<'append' | 'add', readonly string[]>> = {
  append: ['extend', 'append'],
  add: ['add'],
};
