/**
 * Judges what the loader or a rebuilt object's own class code will call
 * later, using the implicit-call model (`python-globals/implicit-calls/`):
 * the arguments of calls the stream makes (a `defaultdict` factory, the
 * mapping `OrderedDict(x)` reads through `x.keys()`, a partial's function,
 * a thread's target), the instance attributes a BUILD state sets (an
 * attribute the class's code calls, or one that shadows a method), the items
 * of hook containers, and the attributes APPEND(S)/ADDITEMS call.
 *
 * A value placed in such a slot is judged for the way it will be called:
 * a global for `invoke` or `call`, a bound method as a call of
 * `Class.method` on the object the file built, a `functools.partial` by the
 * partial rule. Unknown values that no slot reaches are left to the rest of
 * the analysis; containers watched as slots report what is added later.
 */
import { LOADER_ATTRS } from '../../python-globals/implicit-calls/curated.js';
import { slotsOf } from '../../python-globals/implicit-calls/model.js';
import type { CallableSlots, Slot, SlotPlace } from '../../python-globals/implicit-calls/slots.js';
import { isClassName } from '../../python-globals/names.js';
import type { Policy } from '../../python-globals/policy.js';
import { permitsUse, type Use } from '../../python-globals/types.js';
import type { Site } from './machine.js';
import { classOf } from './object-class.js';
import { render } from './render.js';
import { checkItemKey, checkItemKeys, checkStateKeys, checkTorchbind, type StateHost } from './state-keys.js';
import { addWatcher, isContainer, PyDict, PyGlobal, PyList, PyObject, PySet, PyTuple, PyUnknown, type PyValue } from './values.js';

/** How a use reached a slot, for findings: which slot, and whether users put their own functions there. */
export interface SlotMark {
  text: string;
  callback: boolean;
}

export interface SlotHost extends StateHost {
  readonly policy: Policy;
  /** Records a use of a global (as the analysis does for every use). */
  record(g: PyGlobal, use: Use, site: Site, call?: () => string, slot?: SlotMark): void;
  /** A value whose identity is unknown (a method of an object of unknown class) sits where it is called. */
  unresolved(what: string, site: Site, slot: SlotMark | undefined): void;
}

/** The slot of each item of an items slot, made once per slot (the model's slots live as long as the process). */
const ITEM_SLOTS = new WeakMap<Slot, Slot>();
function itemSlot(slot: Slot): Slot {
  let single = ITEM_SLOTS.get(slot);
  if (single === undefined) {
    single = { ...slot, items: false };
    ITEM_SLOTS.set(slot, single);
  }
  return single;
}

/** Nesting followed when looking for callables inside arguments. */
const MAX_DATA_DEPTH = 8;

/** Watchers per container (CWE-407: a stream rebuilding one object many times must not make every insertion quadratic). */
const MAX_WATCHERS = 4;

export class SlotJudge {
  private readonly host: SlotHost;
  /** Partials, callers and other objects known not to be inert to call. */
  private readonly nonInert = new WeakSet<object>();
  /** Objects already reported as callers (one finding each). */
  private readonly reportedCallers = new WeakSet<object>();

  constructor(host: SlotHost) {
    this.host = host;
  }

  /** A call or instantiation the stream makes (REDUCE, NEWOBJ, NEWOBJ_EX, OBJ, INST) of a global. */
  onCall(obj: PyObject, callee: PyGlobal, site: Site): void {
    const args = obj.args instanceof PyTuple ? obj.args.items : undefined;
    if (args !== undefined) this.viaHelpers(obj, callee, args, site);
    this.instantiate(obj, callee, args, obj.kwargs, site);
  }

  /** `callee` called or instantiated with `args` (undefined: computed while loading) and `kwargs`. */
  private instantiate(obj: PyObject, callee: PyGlobal, args: readonly PyValue[] | undefined, kwargs: PyValue | undefined, site: Site): void {
    const slots = slotsOf(callee.full);
    if (slots === undefined) return;
    if (args === undefined && (slots.partial || slots.args.some((s) => 'arg' in s.at || 'keyword' in s.at))) {
      this.nonInert.add(obj);
      this.host.implicitCall('malicious', `${callee.full} is given arguments computed while loading, so what it will call cannot be checked`, site);
      return;
    }
    this.purpose(obj, callee, slots, site);
    if (slots.partial) this.partial(obj, args?.[0], (args ?? []).slice(1), kwargs, site, `functools.partial(${render(args?.[0])}, …)`);
    if (slots.itemsAreAttributes) for (const a of args ?? []) checkItemKeys(this.host, a, callee, site);
    if (!slots.partial) this.constructorArgs(callee, slots, args ?? [], kwargs, site); // the partial rule judges its own
  }

  /**
   * Allowed helpers that instantiate or initialise a class they are given
   * (`copyreg.__newobj__(cls, *args)`, `__newobj_ex__`, `_reconstructor`):
   * what that class does with the arguments it receives applies to them.
   */
  private viaHelpers(obj: PyObject, callee: PyGlobal, args: readonly PyValue[], site: Site): void {
    const j = this.host.policy.judge(callee.module, callee.name, callee.full);
    const fx = j.kind === 'allowed' ? j.entry.effects : undefined;
    if (fx?.initArgs !== undefined) {
      const base = args[fx.initArgs.cls];
      const slots = base instanceof PyGlobal ? slotsOf(base.full) : undefined;
      if (base instanceof PyGlobal && slots !== undefined) {
        this.constructorArgs(
          base,
          slots,
          fx.initArgs.args.map((i) => args[i] ?? null),
          undefined,
          site,
        );
      }
    }
    const nw = fx?.newWith;
    const cls = nw === undefined ? undefined : args[nw.cls];
    if (nw === undefined || !(cls instanceof PyGlobal)) return;
    let passed: readonly PyValue[] | undefined = nw.args?.map((i) => args[i] ?? null) ?? (nw.rest === undefined ? [] : args.slice(nw.rest));
    if (nw.tuple !== undefined) {
      const t = args[nw.tuple];
      passed = t instanceof PyTuple ? t.items : undefined;
    }
    this.instantiate(obj, cls, passed, nw.kwargs === undefined ? undefined : args[nw.kwargs], site);
  }

  /** What a class or function does with its arguments (a defaultdict factory, the keys() of a mapping), for these arguments. */
  private constructorArgs(callee: PyGlobal, slots: CallableSlots, args: readonly PyValue[], kwargs: PyValue | undefined, site: Site): void {
    for (const slot of slots.args) {
      const v = argAt(slot.at, args, kwargs);
      if (v !== undefined) this.judge(v, slot, site, `${callee.full} argument ${placeText(slot.at)}`);
    }
  }

  /** BUILD on an object the stream built. */
  onBuild(target: PyObject, state: PyValue, site: Site): void {
    const owner = target.bound === undefined ? classOf(target) : undefined;
    if (target.watchedAttrs !== undefined) {
      for (const [name, watch] of target.watchedAttrs) {
        const a = attrIn(state, name);
        if (a !== undefined) watch(a);
      }
    }
    const slots = owner === undefined ? undefined : slotsOf(owner.full);
    checkStateKeys(this.host, slots, state, site);
    if (owner === undefined || slots === undefined) return;
    this.purpose(target, owner, slots, site);
    if (slots.partial && state instanceof PyTuple) {
      const [func, fargs, kw] = state.items;
      const list = fargs instanceof PyTuple ? fargs.items : [];
      this.partial(target, func, list, kw, site, `functools.partial state (${render(func)}, …)`);
    }
    if (slots.torchbind) checkTorchbind(this.host, state, site);
    if (state instanceof PyTuple && state.count !== 2) {
      for (const slot of slots.args) {
        if (!('stateItem' in slot.at) || slots.partial) continue;
        const at = slot.at.stateItem;
        const picked = at === 'all' ? state.items : [state.items[at]];
        for (const v of picked) if (v !== undefined) this.judge(v, slot, site, `${owner.full} state item`);
      }
      return;
    }
    // A class with no attribute slot reads none of the state's attributes: nothing to judge.
    if (slots.attrs.size === 0 && slots.via.size === 0) return;
    const parts = state instanceof PyTuple ? state.items : [state];
    for (const part of parts) {
      if (!(part instanceof PyDict)) continue;
      const attrs = part.stringEntries();
      for (const [name, v] of attrs) {
        const slot = slots.attrs.get(name);
        if (slot !== undefined) this.judge(v, slot, site, `${owner.full}.${name}`, passesData(slot, attrs));
        const via = slots.via.get(name);
        if (via !== undefined && v instanceof PyObject) {
          this.methodsOf(
            v,
            via,
            { at: { attr: name }, calls: 'invoke', when: `${owner.full}'s own code calls self.${name}.<method>()` },
            site,
            `${owner.full}.${name}`,
          );
        }
      }
    }
  }

  /** APPEND(S), SETITEM(S), ADDITEMS on an object: the unpickler calls its `extend`/`append`/`add` attributes. */
  onMutate(target: PyObject, site: Site, items: readonly PyValue[]): void {
    const owner = classOf(target);
    if (site.opcode === 'SETITEM' || site.opcode === 'SETITEMS') {
      if (owner !== undefined && slotsOf(owner.full)?.itemsAreAttributes === true) {
        for (let i = 0; i < items.length; i += 2) checkItemKey(this.host, items[i] as PyValue, owner, site);
      }
      return;
    }
    const names = site.opcode === 'ADDITEMS' ? LOADER_ATTRS.add : LOADER_ATTRS.append;
    for (const name of names) {
      const a = target.attribute(name);
      if (a === 'absent') continue;
      const slot: Slot = { at: { attr: name }, calls: 'call', when: `${site.opcode} calls the object's ${name} attribute with items from the file` };
      if (a === 'unknown') {
        this.host.unresolved(`the ${name} attribute of ${render(target)}, which ${site.opcode} calls`, site, { text: slot.when, callback: false });
      } else this.judge(a.value, slot, site, `${render(target)}.${name}`, true);
      return; // CPython calls extend if present, else append
    }
  }

  /**
   * A value placed in a slot: judged for how it will be called. `passed`:
   * values from the object flow into the call's arguments.
   */
  judge(v: PyValue, slot: Slot, site: Site, where: string, passed = false): void {
    this.judgeAt(v, slot, site, where, passed, 0);
  }

  private judgeAt(v: PyValue, slot: Slot, site: Site, where: string, passed: boolean, depth: number): void {
    if (depth > MAX_DATA_DEPTH) return;
    if (slot.methods !== undefined) {
      if (v instanceof PyObject) this.methodsOf(v, slot.methods, slot, site, where);
      return;
    }
    if (slot.items === true) {
      const single = itemSlot(slot);
      const items = itemsOf(v);
      if (items.length > 0) {
        const inside = `${where}[…]`;
        for (const item of items) this.judgeAt(item, single, site, inside, passed, depth + 1);
      }
      // Every tensor's backward-hooks OrderedDict comes here: the text of a later item is made only if one comes.
      const watch = (item: PyValue): void => {
        this.judgeAt(item, single, site, `${where}[…] (added later)`, passed, depth + 1);
      };
      // One is enough to judge every later item; a few keep distinct slot texts. Bounded against repeated BUILDs.
      if (v instanceof PyObject) v.watchItems(watch, MAX_WATCHERS);
      else if (isContainer(v)) addWatcher(v, watch, MAX_WATCHERS);
      return;
    }
    // Constants, containers and instances are judged where they were built: no mark is made for them (most judged values).
    if (!(v instanceof PyGlobal || (v instanceof PyObject && v.bound !== undefined) || v instanceof PyUnknown)) return;
    const mark: SlotMark = { text: `${where}, called ${slot.when}`, callback: slot.callback === true };
    const use: Use = slot.calls === 'call' || passed ? 'call' : 'invoke';
    if (v instanceof PyGlobal) {
      const j = this.host.policy.judge(v.module, v.name, v.full);
      if (j.kind === 'allowed' && j.entry.effects !== undefined) {
        // A higher-order function (it instantiates, calls or imports what its arguments name) called with arguments the scanner does not see.
        this.host.implicitCall('malicious', `${v.full} sits at ${mark.text}: it acts on what its arguments name, and those are not in the file`, site);
        return;
      }
      this.host.record(v, use, site, () => `${where} = ${v.full}`, mark);
    } else if (v instanceof PyObject && v.bound !== undefined) {
      const b = v.bound;
      if (b.identity !== undefined) this.host.record(b.identity, 'call', site, () => `${where} = ${render(v)}`, mark);
      else this.host.unresolved(`${render(v)} (${b.unknownWhy ?? 'a method of an object of unknown class'}) at ${where}`, site, mark);
    } else if (v instanceof PyUnknown) {
      this.host.unresolved(`an unknown value (${v.why}) at ${where}`, site, mark);
    }
    // Other objects are instances: calling one runs its class's __call__, judged where it was built.
  }

  /** `obj.m()` for each m: the instance attributes of that name, now and after later BUILDs. */
  private methodsOf(obj: PyObject, methods: readonly string[], slot: Slot, site: Site, where: string): void {
    const single: Slot = { at: slot.at, calls: 'invoke', when: slot.when };
    for (const m of methods) {
      const a = obj.attribute(m);
      if (a !== 'absent' && a !== 'unknown') this.judge(a.value, single, site, `${where}.${m}`);
      (obj.watchedAttrs ??= new Map()).set(m, (val: PyValue) => {
        this.judge(val, single, site, `${where}.${m} (set later)`);
      });
    }
  }

  /** Classes whose purpose is to call something: never inert. */
  private purpose(obj: PyObject, cls: PyGlobal, slots: CallableSlots, site: Site): void {
    if (slots.purpose === undefined || this.reportedCallers.has(obj)) return;
    this.reportedCallers.add(obj);
    this.nonInert.add(obj);
    this.host.implicitCall('malicious', `${cls.full} ${slots.purpose}: a pickle that rebuilds it hands code to whoever uses the object`, site);
  }

  /**
   * functools.partial(func, *args, **kw): whoever holds the partial calls
   * func with these arguments and more. Inert when func is permitted for
   * `call` (without effects), or is a class permitted for `new` given data
   * arguments (constructing an allowed class from constants: the timm/Hydra
   * `partial(nn.LayerNorm, eps=1e-6)`); anything else is judged as a call.
   */
  private partial(obj: PyObject, func: PyValue | undefined, args: readonly PyValue[], kw: PyValue | undefined, site: Site, where: string): void {
    if (func === undefined) return;
    const slot: Slot = { at: { arg: 0 }, calls: 'call', when: 'by whoever calls the partial, with its stored arguments' };
    if (func instanceof PyGlobal) {
      // What the function does with its arguments (dict(x) calls x.keys()) applies to the ones the partial fixes.
      const fslots = slotsOf(func.full);
      if (fslots !== undefined) this.constructorArgs(func, fslots, args, kw, site);
      const j = this.host.policy.judge(func.module, func.name, func.full);
      if (j.kind === 'allowed' && j.entry.effects !== undefined) {
        this.nonInert.add(obj);
        this.host.implicitCall(
          'malicious',
          `${where}: ${func.full} calls or imports what its arguments name, and the partial fixes those arguments from the file`,
          site,
        );
        return;
      }
      if (j.kind === 'allowed' && permitsUse(j.entry, 'call')) return;
      const last = func.name.split('.').pop() ?? '';
      if (j.kind === 'allowed' && permitsUse(j.entry, 'new') && isClassName(last) && this.dataOnly([...args, kw ?? null], 0)) {
        this.host.record(func, 'new', site, () => `${where}: constructs ${func.full} from data`);
        return;
      }
    } else if (func instanceof PyObject && func.bound === undefined && !this.nonInert.has(func)) {
      return; // an instance (or an inert partial): calling it runs its own class's code
    }
    this.nonInert.add(obj);
    this.judge(func, slot, site, where, true);
  }

  /** Arguments with no bound method, caller object or unknown value in them (globals are judged where stored). */
  private dataOnly(values: readonly PyValue[], depth: number): boolean {
    if (depth > MAX_DATA_DEPTH) return false;
    for (const v of values) {
      if (v instanceof PyUnknown) return false;
      if (v instanceof PyObject && (v.bound !== undefined || this.nonInert.has(v))) return false;
      if (v instanceof PyList || v instanceof PyTuple || v instanceof PySet) {
        if (!this.dataOnly(v.items, depth + 1)) return false;
      } else if (v instanceof PyDict) {
        if (
          !this.dataOnly(
            v.entries.map((e) => e[1]),
            depth + 1,
          )
        )
          return false;
      }
    }
    return true;
  }
}

function argAt(at: SlotPlace, args: readonly PyValue[], kwargs: PyValue | undefined): PyValue | undefined {
  if ('arg' in at) return args[at.arg];
  if ('keyword' in at) return kwargs instanceof PyDict ? kwargs.get(at.keyword) : undefined;
  return undefined;
}

function placeText(at: SlotPlace): string {
  if ('arg' in at) return `#${at.arg}`;
  if ('keyword' in at) return `${at.keyword}=`;
  if ('attr' in at) return `.${at.attr}`;
  return `state[${at.stateItem}]`;
}

/** The value of `name` in a BUILD state's dict parts, if present. */
function attrIn(state: PyValue, name: string): PyValue | undefined {
  const parts = state instanceof PyTuple && state.count === 2 ? state.items : [state];
  for (const p of parts) if (p instanceof PyDict) return p.get(name);
  return undefined;
}

/** Whether attributes that flow into the slot's call hold something (then the file chooses the arguments). */
function passesData(slot: Slot, attrs: ReadonlyMap<string, PyValue>): boolean {
  for (const p of slot.passes ?? []) {
    const v = attrs.get(p);
    if (v === undefined || v === null) continue;
    if ((v instanceof PyDict || v instanceof PyList || v instanceof PyTuple || v instanceof PySet) && v.count === 0) continue;
    return true;
  }
  return false;
}

/** The container whose items a slot calls (a dict's values, a list's elements, a dict/list subclass object's items). */
function itemsOf(v: PyValue): PyValue[] {
  if (v instanceof PyDict) return v.entries.map((e) => e[1]);
  if (v instanceof PyList || v instanceof PyTuple || v instanceof PySet) return v.items;
  if (!(v instanceof PyObject)) return [];
  const out: PyValue[] = [];
  if (v.items !== undefined) out.push(...v.items.entries.map((e) => e[1]));
  if (v.elements !== undefined) out.push(...v.elements.items);
  // OrderedDict([(k, v), ...]), dict({...}): items given to the constructor.
  const first = v.args instanceof PyTuple ? v.args.items[0] : undefined;
  if (first instanceof PyDict) out.push(...first.entries.map((e) => e[1]));
  else if (first instanceof PyList || first instanceof PyTuple) {
    for (const pair of first.items) if ((pair instanceof PyTuple || pair instanceof PyList) && pair.items[1] !== undefined) out.push(pair.items[1]);
  }
  return out;
}
