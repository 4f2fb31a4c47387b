/**
 * The `descr` of an `.npy` header, as `numpy.lib.format.descr_to_dtype`
 * reads it: a type string (`'<f4'`, `'|O'`, `'<U10'`, `'<M8[ns]'`), a list
 * of `(name, descr[, shape])` fields (structured arrays, nested), or a
 * `(descr, shape)` subarray. We need the item size (to check the data
 * size against the file) and whether any part holds Python objects (then
 * the data is a pickle). A type string numpy would accept but we cannot
 * size is `unknown`; one that could name an object type is treated as one.
 */
import { ModelguardError } from '../../errors.js';
import type { Lit } from './literal.js';
import { dtypeNameSize } from './dtype-names.js';

export interface NpyDtype {
  /** Bytes per element; undefined when the type string is not understood. */
  itemsize: bigint | undefined;
  hasObject: boolean;
  /** A short rendering for reports (`<f4`, `struct[3]`). */
  text: string;
}

/** Dimensions numpy allows (32 before numpy 2, 64 since); more is no array (CWE-400: huge products). */
export const MAX_DIMS = 64;

/** Fields in one structured dtype, all levels together (CWE-400). */
const MAX_FIELDS = 10_000;

/** Sizes of the one-character type codes numpy accepts (x86-64 C types). */
const CHAR_SIZES: Readonly<Record<string, number>> = {
  '?': 1,
  b: 1,
  B: 1,
  h: 2,
  H: 2,
  i: 4,
  I: 4,
  l: 8,
  L: 8,
  q: 8,
  Q: 8,
  p: 8,
  P: 8,
  e: 2,
  f: 4,
  d: 8,
  g: 16,
  F: 8,
  D: 16,
  G: 32,
};

/** Kinds with an explicit size and the sizes numpy allows for them. */
const SIZED: Readonly<Record<string, readonly number[]>> = {
  b: [1],
  i: [1, 2, 4, 8],
  u: [1, 2, 4, 8],
  f: [2, 4, 8, 12, 16],
  c: [8, 16, 24, 32],
};

const OBJECT_NAMES = new Set(['O', 'O8', 'object', 'object_', 'object0']);

/** Whether a string numpy might read could involve the object type (conservative). */
function mentionsObject(s: string): boolean {
  return /O|object/.test(s);
}

export function typeString(raw: string): NpyDtype {
  const s = raw.trim();
  const m = /^([<>|=]?)([a-zA-Z?])(\d*)(\[[A-Za-z0-9]+\])?$/.exec(s);
  if (m !== null) {
    const [, , kind = '', digits = '', unit] = m;
    const n = digits === '' ? undefined : Number(digits);
    if (kind === 'O' && (n === undefined || n === 8)) return { itemsize: 8n, hasObject: true, text: s };
    const datetime = kind === 'M' || kind === 'm';
    if (unit !== undefined && !datetime) return unknown(s);
    if (datetime) return n === undefined || n === 8 ? { itemsize: 8n, hasObject: false, text: s } : unknown(s);
    if (n === undefined) {
      const size = CHAR_SIZES[kind];
      if (size !== undefined) return { itemsize: BigInt(size), hasObject: false, text: s };
      if (kind === 'S' || kind === 'U' || kind === 'V' || kind === 'a') return { itemsize: 0n, hasObject: false, text: s };
      return unknown(s);
    }
    if (!Number.isSafeInteger(n)) return unknown(s);
    if (kind === 'S' || kind === 'a' || kind === 'V') return { itemsize: BigInt(n), hasObject: false, text: s };
    if (kind === 'U') return { itemsize: BigInt(n) * 4n, hasObject: false, text: s };
    if (SIZED[kind]?.includes(n) === true) return { itemsize: BigInt(n), hasObject: false, text: s };
    return unknown(s);
  }
  if (OBJECT_NAMES.has(s)) return { itemsize: 8n, hasObject: true, text: s };
  const named = dtypeNameSize(s, false);
  if (named !== undefined) return { itemsize: BigInt(named), hasObject: false, text: s };
  return unknown(s);
}

function unknown(s: string): NpyDtype {
  return { itemsize: undefined, hasObject: mentionsObject(s), text: s };
}

function malformed(message: string): never {
  throw new ModelguardError('E_MALFORMED', `descr: ${message}`);
}

/** Elements in a field or subarray shape (`int` or tuple of non-negative ints). */
export function shapeCount(v: Lit, what: string): bigint {
  const dims = v.t === 'int' ? [v] : v.t === 'tuple' ? v.items : malformed(`${what} is not an int or a tuple`);
  if (dims.length > MAX_DIMS) malformed(`${what} has ${dims.length} dimensions (numpy allows ${MAX_DIMS})`);
  let n = 1n;
  for (const d of dims) {
    if (d.t !== 'int' || d.v < 0n) malformed(`${what} holds ${d.t === 'int' ? d.v : d.t}, not a non-negative int`);
    n *= d.v;
  }
  return n;
}

function times(size: bigint | undefined, n: bigint): bigint | undefined {
  return size === undefined ? undefined : size * n;
}

function fieldName(v: Lit | undefined): void {
  if (v?.t === 'str') return;
  // (title, name)
  if (v?.t === 'tuple' && v.items.length === 2 && v.items.every((x) => x.t === 'str')) return;
  malformed('a field name is not a string or (title, name)');
}

export function dtypeOf(descr: Lit, budget = { fields: 0 }): NpyDtype {
  switch (descr.t) {
    case 'str':
      return typeString(descr.v);
    case 'tuple': {
      if (descr.items.length !== 2) malformed('a subarray is not (descr, shape)');
      const base = dtypeOf(descr.items[0] as Lit, budget);
      const n = shapeCount(descr.items[1] as Lit, 'subarray shape');
      return { itemsize: times(base.itemsize, n), hasObject: base.hasObject, text: `(${base.text}, ${n})` };
    }
    case 'list': {
      let size: bigint | undefined = 0n;
      let hasObject = false;
      for (const f of descr.items) {
        if (++budget.fields > MAX_FIELDS) throw new ModelguardError('E_LIMIT', `descr: more than ${MAX_FIELDS} fields`);
        if (f.t !== 'tuple' || f.items.length < 2 || f.items.length > 3) malformed('a field is not (name, descr[, shape])');
        fieldName(f.items[0]);
        const inner = dtypeOf(f.items[1] as Lit, budget);
        const n = f.items[2] === undefined ? 1n : shapeCount(f.items[2], 'field shape');
        hasObject ||= inner.hasObject;
        size = size === undefined ? undefined : times(inner.itemsize, n) === undefined ? undefined : size + (inner.itemsize as bigint) * n;
      }
      return { itemsize: size, hasObject, text: `struct[${descr.items.length}]` };
    }
    default:
      return malformed(`a ${descr.t} is not a dtype description`);
  }
}
