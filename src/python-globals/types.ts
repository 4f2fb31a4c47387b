/**
 * Policy vocabulary: how a pickled global is used, and what an allowlist
 * entry permits.
 *
 * The distinction matters: `collections.OrderedDict` called with constant
 * arguments is inert; `torch.nn.Linear` rebuilt through the object protocol
 * (`__new__` then `__setstate__`) runs only torch's own state code, while
 * calling it with attacker-chosen arguments is something else; `builtins.list`
 * passed as a `defaultdict` factory is a value, not a call.
 */

/**
 * - `import`: `find_class` resolves it (GLOBAL, STACK_GLOBAL, INST). Importing
 *   runs the module's top-level code, so even an unused unknown global matters.
 * - `call`: invoked with arguments from the stream (REDUCE, OBJ/INST with
 *   arguments, or by an allowlisted function that calls its argument).
 * - `new`: instantiated without running `__init__` (NEWOBJ, NEWOBJ_EX,
 *   `copyreg.__newobj__`, `copyreg._reconstructor`, OBJ/INST without arguments).
 * - `build`: its code runs on an object it made: `__setstate__` (BUILD) or the
 *   `append`/`extend`/`__setitem__`/`add` methods APPEND/SETITEM/ADDITEMS call.
 * - `arg`: stored as a value (in a container, an argument, a state). Whoever
 *   holds the loaded object may call what it holds, with arguments of its own
 *   choosing (a forward pass calls a module's activation on tensors, a
 *   scheduler its anneal function on floats): an entry permitting `arg` for a
 *   callable vouches that such calls are inert.
 * - `invoke`: placed where the loader or the rebuilt object's own class code
 *   calls it later with arguments the file does not choose (a `defaultdict`
 *   factory on a missing key, a hook, an attribute that shadows a method). See
 *   `implicit-calls/`.
 */
export type Use = 'import' | 'call' | 'new' | 'build' | 'arg' | 'invoke';

export const USES: readonly Use[] = ['import', 'call', 'new', 'build', 'arg', 'invoke'];

/** How strongly a use exposes the global, for choosing which use to show first. */
export const USE_WEIGHT: Record<Use, number> = { call: 5, invoke: 4, new: 3, build: 2, arg: 1, import: 0 };

/**
 * Whether `entry` permits `use`. Importing is implied by any use. `invoke`
 * (called later with arguments the file does not choose) is implied by `arg`
 * (the entry vouches that calling the stored value is inert) and by `call`
 * (calling it with the file's own arguments is inert), except for entries with
 * effects: a higher-order function called with arguments chosen later does
 * what those arguments say.
 */
export function permitsUse(entry: AllowEntry, use: Use): boolean {
  if (use === 'import' || entry.uses.includes(use)) return true;
  if (use !== 'invoke' || entry.effects !== undefined) return false;
  return entry.uses.includes('arg') || entry.uses.includes('call');
}

/**
 * What an allowlisted callable does with its arguments, when that matters
 * for the policy (the machine does not know what functions do).
 */
export interface Effects {
  /** Argument positions that are instantiated (`cls.__new__(cls, ...)`). */
  newArgs?: readonly number[];
  /** Argument positions whose state code runs on the result (the result's class). */
  buildArgs?: readonly number[];
  /** An argument that is called: position of the callable and of its argument tuple. */
  callArg?: { fn: number; args?: number };
  /** The result is an instance of the class at this position (BUILD on it is that class's `build`). */
  resultClassArg?: number;
  /**
   * The class at `cls` is initialised with the arguments at `args`
   * (`copyreg._reconstructor` runs `base.__init__(obj, state)`): what that
   * class's constructor calls on its arguments applies to them.
   */
  initArgs?: { cls: number; args: readonly number[] };
  /**
   * The class at `cls` gets `__new__` called with further arguments:
   * positions from `rest` on (`copyreg.__newobj__(cls, *args)`), the items
   * of the tuple at `tuple` and the dict at `kwargs` (`__newobj_ex__`), or
   * the positions in `args` (`_reconstructor`: `base.__new__(cls, state)`).
   * What that class does with its arguments applies to them (a
   * `functools.partial` built this way is judged by the partial rule).
   */
  newWith?: { cls: number; rest?: number; tuple?: number; kwargs?: number; args?: readonly number[] };
  /**
   * The result is the global named by constant arguments (an import by name):
   * `module`/`name` positions, or `dotted` for one `a.b.c` string.
   */
  resolves?: { module: number; name: number } | { dotted: number };
}

/** One allowlist entry. */
export interface AllowEntry {
  /**
   * What it matches: an exact qualified name (`collections.OrderedDict`), or a
   * namespace pattern: `prefix.*` (one more component), `prefix.**` (any depth).
   * Pattern components may be constrained with `{Class}` (CapWords, a class by
   * PEP 8 naming) or `{func}` (lowercase).
   */
  name: string;
  uses: readonly Use[];
  /** Why this use is inert. Shown by `modelguard policy show` and in docs. */
  why: string;
  effects?: Effects;
}

/** One denylist entry: a name (and everything under it) known to reach code execution, files or network. */
export interface DenyEntry {
  /** Qualified name or module; matches itself and every attribute/submodule under it. `*` = one component. */
  name: string;
  why: string;
  /** Names under `name` that are not denied (for example `types.SimpleNamespace`). */
  except?: readonly string[];
}

export interface Profile {
  id: string;
  title: string;
  /** Allow entries, in order; the first match wins. */
  allow: readonly AllowEntry[];
}
