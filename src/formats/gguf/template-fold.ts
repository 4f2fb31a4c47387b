/**
 * Constant folding of string expressions in a Jinja AST: what strings an
 * expression can evaluate to, when that is knowable without running it.
 *
 * Attackers build forbidden names out of pieces (`'__cla' ~ 'ss__'`,
 * `'_' * 2 ~ 'class' ~ '_' * 2`, `'%c%c' % (95, 95)`, `'ssalc__'|reverse`,
 * `['__', 'class', '__']|join`); folding turns those back into the names.
 * Results are bounded (few candidates, short strings): anything bigger is
 * reported as "unknown", which callers treat as suspicious where it matters.
 */

/** A node of @huggingface/jinja's AST, seen structurally (its classes are not exported). */
export interface JNode {
  type: string;
  [field: string]: unknown;
}

/** Filters that turn their input into another string. */
const STRING_FILTERS = new Set(['format', 'join', 'replace', 'reverse', 'lower', 'upper', 'string', 'trim', 'title', 'capitalize', 'first', 'last']);

/** Most candidate values kept per expression (branches multiply). */
const MAX_CANDIDATES = 16;
/** Longest folded string kept. */
const MAX_FOLDED = 4096;
/** Deepest expression folded (CWE-674: `'a' ~ 'a' ~ ...` chains are as deep as they are long). */
const MAX_FOLD_DEPTH = 64;

export type Env = ReadonlyMap<string, readonly string[]>;

export function isNode(v: unknown): v is JNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

function node(v: unknown): JNode | undefined {
  return isNode(v) ? v : undefined;
}

function str(n: JNode, field: string): string | undefined {
  const v = n[field];
  return typeof v === 'string' ? v : undefined;
}

function limit(values: string[]): string[] | undefined {
  if (values.length > MAX_CANDIDATES || values.some((s) => s.length > MAX_FOLDED)) return undefined;
  return [...new Set(values)];
}

function cross(a: readonly string[], b: readonly string[], f: (x: string, y: string) => string | undefined): string[] | undefined {
  const out: string[] = [];
  for (const x of a) {
    for (const y of b) {
      const r = f(x, y);
      if (r === undefined) return undefined;
      out.push(r);
      if (out.length > MAX_CANDIDATES) return undefined;
    }
  }
  return limit(out);
}

function intOf(n: JNode | undefined): number | undefined {
  if (n === undefined) return undefined;
  if (n.type === 'IntegerLiteral' && typeof n['value'] === 'number') return n['value'];
  return undefined;
}

/** Python `%`-formatting for %s, %c, %d, %x and %%. */
function percent(fmt: string, args: readonly (string | number)[]): string | undefined {
  let k = 0;
  let bad = false as boolean;
  const out = fmt.replace(/%([%scdixr])/g, (_m, c: string) => {
    if (c === '%') return '%';
    const a = args[k++];
    if (a === undefined) {
      bad = true;
      return '';
    }
    if (c === 'c') return typeof a === 'number' ? String.fromCodePoint(a & 0x1fffff) : a;
    if (c === 'x') return typeof a === 'number' ? a.toString(16) : a;
    return String(a);
  });
  return bad ? undefined : out;
}

/** Scalar arguments of a call/filter when all are literals or foldable single strings. */
function literalArgs(args: unknown, env: Env, depth = 0): (string | number)[] | undefined {
  if (!Array.isArray(args)) return undefined;
  const out: (string | number)[] = [];
  for (const a of args) {
    const n = node(a);
    const i = intOf(n);
    if (i !== undefined) {
      out.push(i);
      continue;
    }
    const s = n === undefined ? undefined : fold(n, env, depth);
    if (s === undefined || s.length !== 1) return undefined;
    out.push(s[0] as string);
  }
  return out;
}

function listItems(n: JNode, env: Env, depth: number): string[][] | undefined {
  if (n.type !== 'ArrayLiteral' && n.type !== 'TupleLiteral') return undefined;
  const items = n['value'];
  if (!Array.isArray(items)) return undefined;
  const out: string[][] = [];
  for (const it of items) {
    const s = isNode(it) ? fold(it, env, depth) : undefined;
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

function applyFilter(values: readonly string[], name: string, args: unknown, env: Env, depth = 0): string[] | undefined {
  const simple: Record<string, (s: string) => string> = {
    lower: (s) => s.toLowerCase(),
    upper: (s) => s.toUpperCase(),
    reverse: (s) => [...s].reverse().join(''),
    trim: (s) => s.trim(),
    strip: (s) => s.trim(),
    string: (s) => s,
    safe: (s) => s,
    e: (s) => s,
    escape: (s) => s,
    title: (s) => s.replace(/\w\S*/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
    capitalize: (s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
    first: (s) => s.charAt(0),
    last: (s) => s.slice(-1),
  };
  const f = simple[name];
  if (f !== undefined) return limit(values.map(f));
  const a = literalArgs(args, env, depth);
  if (a === undefined) return undefined;
  if (name === 'format') {
    const out = values.map((v) => percent(v, a));
    return out.every((x) => x !== undefined) ? limit(out) : undefined;
  }
  if (name === 'replace' && typeof a[0] === 'string' && typeof a[1] === 'string') {
    const [from, to] = a as [string, string];
    return limit(values.map((v) => v.split(from).join(to)));
  }
  if (name === 'join') return limit(values.map((v) => [...v].join(typeof a[0] === 'string' ? a[0] : '')));
  return undefined;
}

/** Folds a filter applied to a list literal (`['__', 'class__']|join`). */
function foldListFilter(operand: JNode, name: string, args: unknown, env: Env, depth = 0): string[] | undefined {
  const items = listItems(operand, env, depth);
  if (items === undefined) return undefined;
  if (name === 'join') {
    const a = literalArgs(args, env, depth);
    const sep = a !== undefined && typeof a[0] === 'string' ? a[0] : '';
    let acc: string[] | undefined = undefined;
    for (let i = 0; i < items.length; i++) {
      const it = items[i] as string[];
      acc = i === 0 ? limit([...it]) : acc === undefined ? undefined : cross(acc, it, (x, y) => x + sep + y);
      if (acc === undefined) return undefined;
    }
    return acc ?? [''];
  }
  if (name === 'first' || name === 'last') {
    const it = name === 'first' ? items[0] : items[items.length - 1];
    return it === undefined ? undefined : limit([...it]);
  }
  return undefined;
}

/** Candidate string values of `n`, or undefined when not statically known. */
export function fold(n: JNode, env: Env, depth = 0): string[] | undefined {
  if (depth > MAX_FOLD_DEPTH) return undefined;
  const d = depth + 1;
  switch (n.type) {
    case 'StringLiteral': {
      const v = str(n, 'value');
      return v === undefined ? undefined : [v];
    }
    case 'IntegerLiteral':
      return typeof n['value'] === 'number' ? [String(n['value'])] : undefined;
    case 'Identifier': {
      const v = str(n, 'value');
      return v === undefined ? undefined : env.get(v)?.slice();
    }
    case 'BinaryExpression': {
      const op = (n['operator'] as { value?: unknown } | undefined)?.value;
      const l = node(n['left']);
      const r = node(n['right']);
      if (l === undefined || r === undefined) return undefined;
      if (op === '~' || op === '+') {
        const a = fold(l, env, d);
        const b = fold(r, env, d);
        return a === undefined || b === undefined ? undefined : cross(a, b, (x, y) => x + y);
      }
      if (op === '*') {
        const count = intOf(r) ?? intOf(l);
        const s = fold(intOf(r) !== undefined ? l : r, env, d);
        if (count === undefined || s === undefined || count < 0 || count > MAX_FOLDED) return undefined;
        return limit(s.map((x) => x.repeat(count)));
      }
      if (op === '%') {
        const fmt = fold(l, env, d);
        const args = r.type === 'TupleLiteral' || r.type === 'ArrayLiteral' ? literalArgs(r['value'], env, d) : literalArgs([r], env, d);
        if (fmt === undefined || args === undefined) return undefined;
        const out = fmt.map((f) => percent(f, args));
        return out.every((x) => x !== undefined) ? limit(out) : undefined;
      }
      return undefined;
    }
    case 'FilterExpression': {
      const operand = node(n['operand']);
      const filter = node(n['filter']);
      if (operand === undefined || filter === undefined) return undefined;
      const callee = filter.type === 'CallExpression' ? node(filter['callee']) : filter;
      const name = callee === undefined ? undefined : str(callee, 'value');
      if (name === undefined) return undefined;
      const args = filter.type === 'CallExpression' ? filter['args'] : [];
      const list = foldListFilter(operand, name, args, env, d);
      if (list !== undefined) return list;
      const values = fold(operand, env, d);
      return values === undefined ? undefined : applyFilter(values, name, args, env, d);
    }
    case 'CallExpression': {
      // String methods: 'x'.format(...), '-'.join([...]), 'abc'.replace(a, b), 'X'.lower()
      const callee = node(n['callee']);
      if (callee?.type !== 'MemberExpression' || callee['computed'] === true) return undefined;
      const obj = node(callee['object']);
      const prop = node(callee['property']);
      const method = prop === undefined ? undefined : str(prop, 'value');
      if (obj === undefined || method === undefined) return undefined;
      if (method === 'join') {
        const arg = node((n['args'] as unknown[] | undefined)?.[0]);
        const sep = fold(obj, env, d);
        if (arg === undefined || sep === undefined || sep.length !== 1) return undefined;
        return foldListFilter(arg, 'join', [{ type: 'StringLiteral', value: sep[0] }], env, d);
      }
      const values = fold(obj, env, d);
      if (values === undefined) return undefined;
      if (method === 'format') {
        const a = literalArgs(n['args'], env, d);
        if (a === undefined) return undefined;
        return limit(values.map((v) => v.replace(/\{(\d*)\}/g, (_m, i: string) => String(a[i === '' ? 0 : Number(i)] ?? ''))));
      }
      return applyFilter(values, method === 'strip' ? 'trim' : method, n['args'], env, d);
    }
    case 'MemberExpression': {
      // Slicing a folded string: 'ssalc__'[::-1]
      const obj = node(n['object']);
      const prop = node(n['property']);
      if (obj === undefined || prop?.type !== 'SliceExpression') return undefined;
      const values = fold(obj, env, d);
      const step = intOf(node(prop['step']));
      if (values === undefined || prop['start'] !== undefined || prop['stop'] !== undefined || step !== -1) return undefined;
      return limit(values.map((v) => [...v].reverse().join('')));
    }
    default:
      return undefined;
  }
}

/** Whether a string literal occurs in `n` (a few levels deep). */
function hasString(n: JNode, depth = 0): boolean {
  if (n.type === 'StringLiteral') return true;
  if (depth > 16) return false;
  for (const [k, v] of Object.entries(n)) {
    if (k === 'type' || k === 'operator') continue;
    if (isNode(v) && hasString(v, depth + 1)) return true;
    if (Array.isArray(v) && v.some((x) => isNode(x) && hasString(x, depth + 1))) return true;
  }
  return false;
}

/**
 * Whether an expression builds a string out of pieces (concatenation,
 * formatting, joining, string filters). `loop.index0 + 1` is arithmetic:
 * `+`, `*` and `%` count only with a string literal among the operands.
 */
export function isStringBuilding(n: JNode): boolean {
  if (n.type === 'BinaryExpression') {
    const op = (n['operator'] as { value?: unknown } | undefined)?.value;
    if (op === '~') return true;
    return (op === '+' || op === '%' || op === '*') && hasString(n);
  }
  if (n.type === 'FilterExpression') {
    const f = node(n['filter']);
    const name = str(f?.type === 'CallExpression' ? (node(f['callee']) ?? f) : (f ?? { type: '' }), 'value');
    return name !== undefined && STRING_FILTERS.has(name);
  }
  if (n.type === 'CallExpression') {
    const callee = node(n['callee']);
    const method = callee?.type === 'MemberExpression' ? str(node(callee['property']) ?? { type: '' }, 'value') : undefined;
    return method !== undefined && ['format', 'join', 'replace', 'lower', 'upper', 'strip'].includes(method);
  }
  return false;
}
