/**
 * Vocabulary of the implicit-call model: where a rebuilt object, or a call
 * the stream makes, holds a value that the loader or the class's own code
 * calls later.
 *
 * "Stored, never called by the stream" is not "never called": a
 * `defaultdict` calls its factory on a missing key, `OrderedDict(x)` calls
 * `x.keys()`, `Module.__repr__` calls `self.extra_repr()`, an optimizer's
 * `__setstate__` calls `self._hook_for_profile()`, a thread's `run` calls
 * its target. An instance attribute shadows a method of the same name
 * (methods are non-data descriptors), so a BUILD state can put a value of
 * the file's choosing wherever the class's code calls `self.<name>(...)`.
 */

/** Where the called value is, relative to a call the stream makes or to a rebuilt object. */
export type SlotPlace =
  /** A positional argument of the call or instantiation (REDUCE, NEWOBJ, OBJ, INST). */
  | { arg: number }
  /** A keyword argument (NEWOBJ_EX). */
  | { keyword: string }
  /** An instance attribute, set by a BUILD dict state or slot state. */
  | { attr: string }
  /** An item of a tuple BUILD state (`functools.partial`'s `(func, args, kwds, dict)`); `all`: any item. */
  | { stateItem: number | 'all' };

/**
 * - `invoke`: called with arguments the file does not choose (none, a missing
 *   key, the data being transformed, the module and its input for a hook).
 * - `call`: called with arguments taken from the object itself, that is from
 *   the file (a thread's `_args`, a scorer's `_kwargs`, the items APPENDS passes).
 */
export type SlotCall = 'invoke' | 'call';

export interface Slot {
  at: SlotPlace;
  calls: SlotCall;
  /** The values held by the container found there are called, not the container (hooks). */
  items?: boolean;
  /** Not the value but these attributes of it are called (`keys` of a mapping argument). */
  methods?: readonly string[];
  /**
   * Libraries let users put their own functions here (a preprocessor, an
   * activation, a score function): an unknown function is the default-deny
   * `suspicious`, not `malicious`.
   */
  callback?: boolean;
  /**
   * Attributes whose values flow into the call's arguments: with any of them
   * set to something other than None or an empty container, the call is a `call`.
   */
  passes?: readonly string[];
  /** What triggers the call, for findings ("repr(module)", "a missing key"). */
  when: string;
}

/** Everything the model knows about one class or function, merged over its bases. */
export interface CallableSlots {
  /** Instance attributes that are slots, by name. */
  readonly attrs: ReadonlyMap<string, Slot>;
  /** Attribute name → methods the class's code calls on the object held there (`defaults.setdefault`). */
  readonly via: ReadonlyMap<string, readonly string[]>;
  /** Slots among call arguments and tuple-state items. */
  readonly args: readonly Slot[];
  /** Its purpose is to call something later (threads, timers, weak-reference callbacks): never inert. */
  readonly purpose: string | undefined;
  /** `__getattr__` returns items: items with dunder or computed keys act as instance attributes. */
  readonly itemsAreAttributes: boolean;
  /** `functools.partial`: judged by the partial rule (see `analysis`). */
  readonly partial: boolean;
  /** `torch.ScriptObject`: BUILD runs the C++ `__setstate__` of the TorchBind class its state names. */
  readonly torchbind: boolean;
  /**
   * What BUILD does with the state: `dict` (its own `__setstate__` updates
   * `__dict__` with it: any mapping or pairs set attributes), `own` (another
   * `__setstate__` consumes it), `none` (pickle's default: a dict, or a
   * (dict, slots) pair), undefined when the model does not know.
   */
  readonly setstate: SetstateKind | undefined;
  /** A dict or mapping subclass (its items can be given as BUILD state). */
  readonly mapping: boolean;
}

export type SetstateKind = 'dict' | 'own' | 'none';
