/**
 * Which code of a set of remote-code modules runs while transformers loads
 * them (`from_pretrained(..., trust_remote_code=True)`), and which only
 * when the user later calls a method.
 *
 * What transformers runs, and so what counts as "at load":
 * - importing a module the `auto_map` names runs its top level (class
 *   bodies, decorators, default values, annotations), and the top level
 *   of every sibling module it imports there (`from .utils import x`);
 * - it then calls the classes it found: configs (`from_pretrained`,
 *   `from_dict`, `__init__`, `to_dict` for logging), models
 *   (`from_pretrained`, `__init__`, `post_init`, `_init_weights`,
 *   `tie_weights`, `_load_pretrained_model`...), tokenizers and processors
 *   (`from_pretrained`, `_from_pretrained`, `__init__`, `get_vocab`,
 *   `_add_tokens`...). Every dunder method and property may run (Python
 *   calls them implicitly), and so may any method those call.
 *
 * The computation over-approximates: a method is at load when its name is
 * one of those roots, or when code at load mentions its name at all (a
 * call `self.build()`, a reference `self.apply(self._init)`, a name `f`, a
 * constant `getattr(self, "f")`), whatever the receiver. Code at load that
 * reaches methods by computed names (`getattr(self, name)`, `vars`,
 * `globals()`, `inspect.getmembers`) makes every definition count as at
 * load. Not followed: a dispatch through a class `__dict__` subscripted by
 * a computed key.
 * A sibling module's top level is at load when code at load imports it.
 */
import type { Expr, Module, Params, Stmt } from './ast.js';
import { type ConfigValues, configTest, span, trustedConfig } from './config-branches.js';

export type { ConfigValues } from './config-branches.js';

export type DefStmt = Extract<Stmt, { k: 'def' }>;

/** torch.nn.Module methods a loader runs on a model it builds: weights loaded in, moved, cast, walked. */
export const TORCH_MODULE_LOAD_METHODS: readonly string[] = [
  'load_state_dict',
  '_load_from_state_dict',
  'eval',
  'train',
  'to',
  'cuda',
  'half',
  'float',
  'bfloat16',
  '_apply',
  'apply',
  'register_buffer',
  'register_parameter',
  'named_parameters',
  'parameters',
  'named_buffers',
  'named_modules',
  'modules',
  'children',
  'named_children',
];

/** Methods transformers (or Python itself) calls while loading a config, model, tokenizer or processor. */
export const LOAD_METHODS: ReadonlySet<string> = new Set([
  // configs
  'from_pretrained',
  '_from_pretrained',
  'from_dict',
  'from_json_file',
  '_dict_from_json_file',
  'get_config_dict',
  '_get_config_dict',
  'to_dict',
  'to_diff_dict',
  'to_json_string',
  'get_text_config',
  '_get_non_default_generation_parameters',
  'dict_torch_dtype_to_str',
  // models
  'from_config',
  '_from_config',
  'post_init',
  'init_weights',
  '_init_weights',
  '_initialize_weights',
  '_initialize_missing_keys',
  'tie_weights',
  '_tie_or_clone_weights',
  '_tie_embedding_weights',
  'get_input_embeddings',
  'get_output_embeddings',
  'set_input_embeddings',
  'set_output_embeddings',
  'get_decoder',
  'get_encoder',
  'reset_parameters',
  '_reset_parameters',
  '_backward_compatibility_gradient_checkpointing',
  'gradient_checkpointing_enable',
  '_set_gradient_checkpointing',
  '_autoset_attn_implementation',
  '_check_and_enable_sdpa',
  '_check_and_enable_flash_attn_2',
  '_check_and_enable_flex_attn',
  '_load_pretrained_model',
  '_load_state_dict_into_model',
  '_fix_state_dict_key_on_load',
  '_fix_state_dict_keys_on_load',
  ...TORCH_MODULE_LOAD_METHODS,
  'state_dict',
  'can_generate',
  'extra_repr',
  // tokenizers, processors, image processors, feature extractors
  'get_vocab',
  'vocab_size',
  '_add_tokens',
  'add_tokens',
  'add_special_tokens',
  '_update_trie',
  'convert_tokens_to_ids',
  '_convert_token_to_id',
  '_convert_token_to_id_with_added_voc',
  '_convert_id_to_token',
  'convert_ids_to_tokens',
  'sanitize_special_tokens',
  'num_special_tokens_to_add',
  'build_inputs_with_special_tokens',
  'get_special_tokens_mask',
  '_get_arguments_from_pretrained',
  'get_processor_dict',
  'get_image_processor_dict',
  'get_feature_extractor_dict',
  'register_for_auto_class',
]);

/** Names whose use reaches definitions by computed names: every definition then counts. */
const DYNAMIC_LOOKUP: ReadonlySet<string> = new Set(['vars', 'globals', 'locals', 'getmembers']);

interface DefInfo {
  def: DefStmt;
  module: number;
  /** Names mentioned by the def's own body, defaults and decorators (nested defs are their own entries). */
  refs: Set<string>;
  dynamic: boolean;
  /** Relative modules the body imports (`from .x import y`: 'x'). */
  imports: string[];
  /** Defined in a metaclass (a class deriving from `type`), whose `__call__` runs when its classes are instantiated. */
  inMeta: boolean;
}

interface ModuleInfo {
  /** Names mentioned by the module's top level and class bodies (not def bodies). */
  refs: Set<string>;
  dynamic: boolean;
  imports: string[];
  defs: DefInfo[];
  dead: [number, number][];
}

export interface LoadPhases {
  /** Modules (by index) whose top level runs at load. */
  modules: ReadonlySet<number>;
  /** Definitions whose bodies run at load. */
  defs: ReadonlySet<DefStmt>;
  /** Per module, line spans of branches the folder's config rules out: code there does not run at load. */
  dead: readonly (readonly [number, number][])[];
}

/**
 * `modules[i]` is a parsed module; `entry[i]` whether the `auto_map` names
 * it; `resolve(i, rel)` the index of the sibling module `from .rel import`
 * names in module i, if the set has it. `roots` are the methods the loader
 * calls at load besides dunders and properties: transformers' by default;
 * another loader passes its own (diffusers adds `register_modules`,
 * sentence-transformers calls `load` and none of the config methods).
 */
export function loadPhases(
  modules: readonly Module[],
  entry: readonly boolean[],
  resolve: (from: number, rel: string) => number | undefined,
  config: ConfigValues = {},
  roots: ReadonlySet<string> = LOAD_METHODS,
): LoadPhases {
  const trusted = trustedConfig(modules, config);
  const infos = modules.map((m, i) => collectModule(m, i, trusted));
  const atLoadModules = new Set<number>();
  const atLoadDefs = new Set<DefStmt>();
  const names = new Set<string>();
  let everything = false;
  const queue: number[] = [];
  const enterModule = (i: number): void => {
    if (atLoadModules.has(i)) return;
    atLoadModules.add(i);
    queue.push(i);
  };
  entry.forEach((e, i) => {
    if (e) enterModule(i);
  });
  // A fixpoint: modules and defs only ever join the sets, and both are finite.
  for (let changed = true; changed;) {
    changed = false;
    while (queue.length > 0) {
      const i = queue.shift() as number;
      const m = infos[i] as ModuleInfo;
      for (const r of m.refs) names.add(r);
      everything ||= m.dynamic;
      for (const rel of m.imports) {
        const j = resolve(i, rel);
        if (j !== undefined) enterModule(j);
      }
    }
    for (const m of infos) {
      for (const d of m.defs) {
        if (atLoadDefs.has(d.def) || !atLoadModules.has(d.module)) continue;
        if (!(everything || isRoot(d.def, d.inMeta, roots) || names.has(d.def.name))) continue;
        atLoadDefs.add(d.def);
        changed = true;
        for (const r of d.refs) names.add(r);
        everything ||= d.dynamic;
        for (const rel of d.imports) {
          const j = resolve(d.module, rel);
          if (j !== undefined) enterModule(j);
        }
      }
    }
    if (queue.length > 0) changed = true;
  }
  return { modules: atLoadModules, defs: atLoadDefs, dead: infos.map((m) => m.dead) };
}

function isRoot(d: DefStmt, inMeta: boolean, roots: ReadonlySet<string>): boolean {
  // `__call__` runs when an instance is called (a processor, a logits processor): by the user, unless a metaclass defines it.
  if (d.name === '__call__') return inMeta;
  if (/^__\w+__$/.test(d.name) || roots.has(d.name)) return true;
  // Properties run on attribute access, which transformers does freely (vocab_size, config attributes).
  return d.decorators.some((x) => {
    const n = x.k === 'name' ? x.id : x.k === 'attr' ? x.attr : undefined;
    return n === 'property' || n === 'cached_property' || n === 'setter' || n === 'getter';
  });
}

function collectModule(mod: Module, index: number, config: ConfigValues): ModuleInfo {
  const top: Collector = { refs: new Set(), dynamic: false, imports: [], defs: [], meta: false, config, dead: [] };
  walkBlock(mod.body, top, index);
  return top;
}

interface Collector {
  refs: Set<string>;
  dynamic: boolean;
  imports: string[];
  defs: DefInfo[];
  /** Inside the body of a metaclass. */
  meta: boolean;
  config: ConfigValues;
  /** Line spans of branch bodies the config rules out (shared by a module's collectors). */
  dead: [number, number][];
}

function walkBlock(body: readonly Stmt[], c: Collector, module: number): void {
  for (const st of body) walkStmt(st, c, module);
}

function walkStmt(st: Stmt, c: Collector, module: number): void {
  switch (st.k) {
    case 'def': {
      // Decorators, defaults and annotations run where the def is written; the body runs when called.
      for (const d of st.decorators) walkExpr(d, c);
      walkParams(st.params, c);
      if (st.returns !== undefined) walkExpr(st.returns, c);
      const inner: Collector = { refs: new Set(), dynamic: false, imports: [], defs: c.defs, meta: false, config: c.config, dead: c.dead };
      walkBlock(st.body, inner, module);
      c.defs.push({ def: st, module, refs: inner.refs, dynamic: inner.dynamic, imports: inner.imports, inMeta: c.meta });
      return;
    }
    case 'class': {
      for (const d of st.decorators) walkExpr(d, c);
      for (const b of st.bases) walkExpr(b, c);
      for (const k of st.keywords) walkExpr(k.value, c);
      const meta = st.bases.some((b) => (b.k === 'name' ? b.id : b.k === 'attr' ? b.attr : '').match(/^type$|Meta$/) !== null);
      const outer = c.meta;
      c.meta = meta;
      walkBlock(st.body, c, module);
      c.meta = outer;
      return;
    }
    case 'from':
      if (st.level === 1) {
        if (st.module !== '') c.imports.push(st.module);
        else for (const n of st.names) c.imports.push(n.name);
      }
      // Binding a name runs nothing: what the code then does with it is a reference where it is used.
      return;
    case 'import':
      return;
    case 'expr':
      walkExpr(st.value, c);
      return;
    case 'assign':
      walkExpr(st.value, c);
      for (const t of st.targets) walkExpr(t, c);
      return;
    case 'augassign':
      walkExpr(st.target, c);
      walkExpr(st.value, c);
      return;
    case 'annassign':
      walkExpr(st.target, c);
      walkExpr(st.annotation, c);
      if (st.value !== undefined) walkExpr(st.value, c);
      return;
    case 'return':
      if (st.value !== undefined) walkExpr(st.value, c);
      return;
    case 'if':
      walkExpr(st.test, c);
      // A branch the folder's own config rules out (`if config.use_cache_kernel:` with false in config.json) does not run at load,
      // nor a script's `if __name__ == "__main__":` (loaders import the module under another name).
      if (configTest(st.test, c.config) !== false && !isMainGuard(st.test)) walkBlock(st.body, c, module);
      else if (st.body.length > 0) c.dead.push(span(st.body));
      walkBlock(st.orelse, c, module);
      return;
    case 'while':
      walkExpr(st.test, c);
      walkBlock(st.body, c, module);
      walkBlock(st.orelse, c, module);
      return;
    case 'for':
      walkExpr(st.target, c);
      walkExpr(st.iter, c);
      walkBlock(st.body, c, module);
      walkBlock(st.orelse, c, module);
      return;
    case 'with':
      for (const it of st.items) {
        walkExpr(it.expr, c);
        if (it.target !== undefined) walkExpr(it.target, c);
      }
      walkBlock(st.body, c, module);
      return;
    case 'match':
      walkExpr(st.subject, c);
      for (const k of st.cases) {
        walkExpr(k.pattern, c);
        if (k.guard !== undefined) walkExpr(k.guard, c);
        walkBlock(k.body, c, module);
      }
      return;
    case 'try':
      walkBlock(st.body, c, module);
      for (const h of st.handlers) {
        if (h.type !== undefined) walkExpr(h.type, c);
        walkBlock(h.body, c, module);
      }
      walkBlock(st.orelse, c, module);
      walkBlock(st.finalbody, c, module);
      return;
    case 'raise':
      if (st.exc !== undefined) walkExpr(st.exc, c);
      if (st.cause !== undefined) walkExpr(st.cause, c);
      return;
    case 'assert':
      walkExpr(st.test, c);
      if (st.msg !== undefined) walkExpr(st.msg, c);
      return;
    case 'del':
      for (const t of st.targets) walkExpr(t, c);
      return;
    case 'global':
    case 'pass':
    case 'break':
    case 'continue':
      return;
  }
}

/** `__name__ == "__main__"` (either way round): true only when the file is run as a script, never when imported. */
function isMainGuard(e: Expr): boolean {
  if (e.k !== 'compare' || e.ops.length !== 1 || e.ops[0] !== '==') return false;
  const [a, b] = [e.left, e.rights[0]];
  const isName = (x: Expr | undefined): boolean => x?.k === 'name' && x.id === '__name__';
  const isMain = (x: Expr | undefined): boolean => x?.k === 'const' && x.value === '__main__';
  return (isName(a) && isMain(b)) || (isMain(a) && isName(b));
}

function walkParams(p: Params, c: Collector): void {
  for (const x of p.params) {
    if (x.annotation !== undefined) walkExpr(x.annotation, c);
    if (x.default !== undefined) walkExpr(x.default, c);
  }
}

/** Collects names and attribute names; iterative over left-nested chains (`a.b.c…`, `x + y + …`), bounded by the AST's own size. */
function walkExpr(root: Expr, c: Collector): void {
  const stack: Expr[] = [root];
  while (stack.length > 0) {
    const e = stack.pop() as Expr;
    switch (e.k) {
      case 'name':
        c.refs.add(e.id);
        if (DYNAMIC_LOOKUP.has(e.id)) c.dynamic = true;
        break;
      case 'attr':
        c.refs.add(e.attr);
        if (DYNAMIC_LOOKUP.has(e.attr)) c.dynamic = true;
        stack.push(e.value);
        break;
      case 'call': {
        const f = e.func;
        const fname = f.k === 'name' ? f.id : f.k === 'attr' ? f.attr : undefined;
        if (fname === 'getattr' || fname === 'hasattr' || fname === 'attrgetter' || fname === 'methodcaller') {
          const key = e.args[1] ?? (fname === 'attrgetter' || fname === 'methodcaller' ? e.args[0] : undefined);
          if (key?.k === 'const' && typeof key.value === 'string') c.refs.add(key.value);
          else if (fname === 'getattr' || fname === 'attrgetter' || fname === 'methodcaller') c.dynamic = true;
        }
        stack.push(f, ...e.args, ...e.keywords.map((k) => k.value));
        break;
      }
      case 'const':
      case 'slice':
        if (e.k === 'slice') for (const p of e.parts) if (p !== undefined) stack.push(p);
        break;
      case 'fstring':
        stack.push(...e.parts);
        break;
      case 'subscript':
        stack.push(e.value, e.index);
        break;
      case 'binop':
        stack.push(e.left, e.right);
        break;
      case 'unary':
        stack.push(e.operand);
        break;
      case 'boolop':
        stack.push(...e.values);
        break;
      case 'compare':
        stack.push(e.left, ...e.rights);
        break;
      case 'ifexp':
        stack.push(e.test, e.body, e.orelse);
        break;
      case 'lambda':
        // A lambda's body runs whenever it is called: counted with the code that makes it.
        for (const p of e.params.params) {
          if (p.default !== undefined) stack.push(p.default);
          if (p.annotation !== undefined) stack.push(p.annotation);
        }
        stack.push(e.body);
        break;
      case 'seq':
        stack.push(...e.elts);
        break;
      case 'dict':
        for (const k of e.keys) if (k !== undefined) stack.push(k);
        stack.push(...e.values);
        break;
      case 'comp':
        stack.push(e.elt);
        if (e.value !== undefined) stack.push(e.value);
        for (const g of e.generators) stack.push(g.target, g.iter, ...g.ifs);
        break;
      case 'starred':
      case 'await':
        stack.push(e.value);
        break;
      case 'walrus':
        c.refs.add(e.target);
        stack.push(e.value);
        break;
      case 'yield':
        if (e.value !== undefined) stack.push(e.value);
        break;
    }
  }
}

/** Every sibling module a module imports (`from .x import y` anywhere in it, `from . import x`), for finding the set to read. */
export function relativeImports(mod: Module): string[] {
  const m = collectModule(mod, 0, {});
  return [...new Set([...m.imports, ...m.defs.flatMap((d) => d.imports)])];
}
