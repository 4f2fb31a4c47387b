/**
 * Branches of remote code that the folder's own config.json rules out at
 * load: `if config.use_cache_kernel:` with `false` in the file does not
 * run while transformers builds the model, and neither does the import of
 * a sibling module inside it.
 *
 * A config value is trusted only when no code of the set assigns that
 * attribute from anything but the parameter of the same name
 * (`self.use_cache_kernel = use_cache_kernel`, the configuration class
 * pattern), and no code sets attributes by computed names: a config class
 * that forces `self.flag = True` would otherwise turn a branch the file
 * rules out into one that runs.
 */
import type { Expr, Module } from './ast.js';

/** Configuration values the folder's config.json gives (`config.use_cache_kernel`). */
export type ConfigValues = Readonly<Record<string, unknown>>;

/** Nested `and`/`or`/`not` read per test (conditions are short; CWE-674). */
const MAX_TEST_DEPTH = 16;
/** AST nodes visited per module looking for attribute assignments and spans (bounded by the parser's node limit too; CWE-400). */
const MAX_VISIT = 4_000_000;

/** The config values no code of the set overrides. */
export function trustedConfig(modules: readonly Module[], config: ConfigValues): ConfigValues {
  const distrust = new Set<string>();
  let computed = false;
  let visited = 0;
  for (const m of modules) {
    // Each entry: a node, and whether it sits in a configuration class (a class whose base is named *Config).
    const stack: [unknown, boolean][] = [[m.body, false]];
    while (stack.length > 0 && visited++ < MAX_VISIT) {
      const [n, inConfig] = stack.pop() as [unknown, boolean];
      if (Array.isArray(n)) {
        for (const x of n) stack.push([x, inConfig]);
        continue;
      }
      if (typeof n !== 'object' || n === null) continue;
      const node = n as Record<string, unknown>;
      if (node.k === 'class') {
        const bases = node.bases as Expr[];
        const config = bases.some((b) => /Config$/.test(b.k === 'name' ? b.id : b.k === 'attr' ? b.attr : ''));
        stack.push([node.body, config]);
        continue;
      }
      if (node.k === 'assign' || node.k === 'annassign' || node.k === 'augassign') {
        const targets = (node.k === 'assign' ? node.targets : [node.target]) as Expr[];
        const value = node.value as Expr | undefined;
        for (const t of targets) {
          // `config.x = …`, `self.config.x = …` anywhere; `self.x = …` inside a configuration class.
          if (t.k !== 'attr' || !(isConfigRef(t.value) || (inConfig && t.value.k === 'name' && t.value.id === 'self'))) continue;
          if (!(node.k === 'assign' && value?.k === 'name' && value.id === t.attr)) distrust.add(t.attr);
        }
      }
      if (node.k === 'call') {
        const f = node.func as Expr;
        const name = f.k === 'name' ? f.id : f.k === 'attr' ? f.attr : '';
        const key = (node.args as Expr[])[1];
        const args = node.args as Expr[];
        if (name === 'setattr' || name === '__setattr__') {
          // setattr(obj, key, v); object.__setattr__(obj, key, v)
          if (key?.k === 'const' && typeof key.value === 'string') distrust.add(key.value);
          else computed = true;
        }
        if (name === 'update' && f.k === 'attr' && f.value.k === 'attr' && f.value.attr === '__dict__') {
          // `self.__dict__.update({...})` with literal keys overrides them; with kwargs or a state it copies what loading gives.
          const d = args[0];
          if (d?.k === 'dict') {
            for (const k of d.keys) {
              if (k?.k === 'const' && typeof k.value === 'string') distrust.add(k.value);
              else computed = true;
            }
          }
        }
      }
      for (const v of Object.values(node)) if (typeof v === 'object' && v !== null) stack.push([v, inConfig]);
    }
    if (visited >= MAX_VISIT) computed = true;
  }
  if (computed) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (!distrust.has(k)) out[k] = v;
  return out;
}

function isConfigRef(v: Expr): boolean {
  return (v.k === 'name' && v.id === 'config') || (v.k === 'attr' && v.attr === 'config');
}

/** `x.config.name`, `config.name`, `getattr(config, "name", default)`: the config key a test reads, if it reads one. */
function configKey(e: Expr): string | undefined {
  const isConfig = isConfigRef;
  if (e.k === 'attr') return isConfig(e.value) ? e.attr : undefined;
  if (e.k === 'call' && e.func.k === 'name' && e.func.id === 'getattr' && e.keywords.length === 0 && e.args.length >= 2) {
    const [obj, key] = e.args as [Expr, Expr];
    if (isConfig(obj) && key.k === 'const' && typeof key.value === 'string') return key.value;
  }
  return undefined;
}

function has(config: ConfigValues, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(config, key);
}

/**
 * The value of a branch test under the config, when it is made only of
 * config flags the file sets (`config.a and config.b`, `not config.c`,
 * `config.d == "x"`); undefined when anything else decides.
 */
export function configTest(e: Expr, config: ConfigValues, depth = 0): boolean | undefined {
  if (depth > MAX_TEST_DEPTH) return undefined;
  const key = configKey(e);
  if (key !== undefined) {
    if (!has(config, key)) return undefined;
    const v = config[key];
    if (v === null || v === false || v === 0 || v === '') return false;
    return typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string' ? true : undefined;
  }
  if (e.k === 'unary' && e.op === 'not') {
    const v = configTest(e.operand, config, depth + 1);
    return v === undefined ? undefined : !v;
  }
  if (e.k === 'boolop') {
    const vs = e.values.map((x) => configTest(x, config, depth + 1));
    if (e.op === 'and') return vs.includes(false) ? false : vs.every((v) => v === true) ? true : undefined;
    return vs.includes(true) ? true : vs.every((v) => v === false) ? false : undefined;
  }
  if (e.k === 'compare' && e.ops.length === 1 && (e.ops[0] === '==' || e.ops[0] === '!=')) {
    const k = configKey(e.left);
    const r = e.rights[0];
    if (k === undefined || r?.k !== 'const' || !has(config, k)) return undefined;
    const v = config[k];
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
    return (v === r.value) === (e.ops[0] === '==');
  }
  return undefined;
}

/** First and last line of a block (the largest line of any node in it: calls may span lines). */
export function span(body: readonly unknown[]): [number, number] {
  let lo = Infinity;
  let hi = 0;
  let visited = 0;
  const stack: unknown[] = [body];
  while (stack.length > 0 && visited++ < MAX_VISIT) {
    const n = stack.pop();
    if (Array.isArray(n)) {
      for (const x of n) stack.push(x);
      continue;
    }
    if (typeof n !== 'object' || n === null) continue;
    const line = (n as { line?: unknown }).line;
    if (typeof line === 'number') {
      lo = Math.min(lo, line);
      hi = Math.max(hi, line);
    }
    for (const v of Object.values(n)) if (typeof v === 'object' && v !== null) stack.push(v);
  }
  return [lo === Infinity ? 0 : lo, hi];
}
