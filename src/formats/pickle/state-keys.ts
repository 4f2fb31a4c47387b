/**
 * Names a BUILD could install without the scanner seeing them (bypass
 * class 3 of issue 13). Nothing computed while loading is a known constant:
 * a state key made by `str(...)`, `numpy.str_(...)` or any str subclass may
 * equal '__setstate__'; a state that is a mapping built by calls, or
 * key/value pairs handed to a `__setstate__` that updates `__dict__`, may
 * hold one; so may the items of a dict whose `__getattr__` returns items.
 * Each is judged as if it set `__setstate__`, which the next BUILD (or a
 * protocol lookup such as copy.deepcopy's) would call.
 *
 * Also here: the TorchBind check, the one state whose content picks which
 * native code runs (torch.ScriptObject names its class).
 */
import { slotsOf } from '../../python-globals/implicit-calls/model.js';
import type { CallableSlots } from '../../python-globals/implicit-calls/slots.js';
import type { Anomaly, Site } from './machine.js';
import { classOf } from './object-class.js';
import { render } from './render.js';
import { PyDict, PyGlobal, PyList, PyObject, PyTuple, PyUnknown, isComputed, isDunderName, type PyValue } from './values.js';

export interface StateHost {
  anomaly(a: Anomaly): void;
  implicitCall(severity: 'suspicious' | 'malicious', message: string, site: Site): void;
}

/**
 * BUILD `state` on an object whose class has `slots` (undefined when the
 * model does not know the class): pickle's default and `__dict__`-updating
 * `__setstate__`s turn keys into attributes; another `__setstate__` consumes
 * the state itself, where only a dict's computed keys still matter.
 */
export function checkStateKeys(host: StateHost, slots: CallableSlots | undefined, state: PyValue, site: Site): void {
  const kind = slots?.setstate;
  const pair = state instanceof PyTuple && state.count === 2;
  const parts = kind === 'own' || kind === 'dict' || !pair ? [state] : state.items;
  for (const part of parts) {
    let why: string | undefined;
    if (part instanceof PyDict && part.computedKeys > 0) {
      why = `${part.computedKeys} key(s) computed while loading (${part.computed.map((k) => render(k)).join(', ')})`;
    } else if (kind === 'own') {
      continue;
    } else if ((part instanceof PyObject || part instanceof PyGlobal) && (kind !== undefined || mappingLike(part))) {
      why = `${render(part)}, built while loading, whose keys the scanner cannot see`;
    } else if ((part instanceof PyList || part instanceof PyTuple) && part.pairHazard && (kind === 'dict' || kind === undefined)) {
      why = 'key/value pairs whose keys are dunder names or computed while loading';
    }
    if (why === undefined) continue;
    host.anomaly({
      kind: 'state-dunder',
      message: `BUILD state has ${why}: any of them may be __setstate__ (or another dunder), which the next BUILD or lookup runs`,
      site,
    });
  }
}

/** Items given to a dict whose `__getattr__` returns items (constructor mapping, pairs or SETITEMS). */
export function checkItemKeys(host: StateHost, mapping: PyValue, owner: PyGlobal, site: Site): void {
  if (mapping instanceof PyDict) {
    for (const k of mapping.dunders.keys()) checkItemKey(host, k, owner, site);
    for (const k of mapping.computed) checkItemKey(host, k, owner, site);
  } else if (mapping instanceof PyList || mapping instanceof PyTuple) {
    if (mapping.pairHazard) checkItemKey(host, new PyUnknown('a key/value pair'), owner, site);
  } else if (isComputed(mapping)) checkItemKey(host, new PyUnknown('a mapping built while loading'), owner, site);
}

export function checkItemKey(host: StateHost, k: PyValue, owner: PyGlobal, site: Site): void {
  if (!(typeof k === 'string' && isDunderName(k)) && !isComputed(k)) return;
  host.anomaly({
    kind: 'state-dunder',
    message: `${owner.full} returns items as attributes (__getattr__), and an item key here is ${render(k)}: getattr(obj, '__setstate__') or copy.deepcopy's '__deepcopy__' lookup reaches it`,
    site,
  });
}

/** TorchBind classes whose C++ __setstate__ only unpacks weights (quantized, XNNPACK and RNN packed parameters). */
const TORCHBIND_INERT = ['__torch__.torch.classes.quantized.', '__torch__.torch.classes.xnnpack.', '__torch__.torch.classes.rnn.'];

/** torch.ScriptObject state: (object state, qualified name of a registered TorchBind class whose C++ __setstate__ runs). */
export function checkTorchbind(host: StateHost, state: PyValue, site: Site): void {
  const name = state instanceof PyTuple && state.count === 2 ? state.items[1] : undefined;
  if (typeof name !== 'string') {
    host.implicitCall(
      'malicious',
      `torch.ScriptObject state names its TorchBind class with ${render(name)}, not a constant: which C++ __setstate__ runs cannot be checked`,
      site,
    );
  } else if (!TORCHBIND_INERT.some((p) => name.startsWith(p))) {
    host.implicitCall(
      'suspicious',
      `torch.ScriptObject state runs the C++ __setstate__ of the TorchBind class ${name}, which the profile cannot vouch for`,
      site,
    );
  }
}

/** An object a BUILD state could read items from: a global, or an instance of a mapping class the model knows. */
function mappingLike(v: PyObject | PyGlobal): boolean {
  if (v instanceof PyGlobal) return true;
  const cls = classOf(v);
  return cls !== undefined && slotsOf(cls.full)?.mapping === true;
}
