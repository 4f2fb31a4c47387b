/**
 * Numeric inputs (KServe v2 / Open Inference Protocol tensors): the declared
 * datatype and shape are checked against the data actually sent, every
 * element against its datatype's range and finiteness, and against the
 * route's rules (allowed datatypes, shape with -1 wildcards, min/max).
 * A tensor whose data disagrees with its shape is refused: model servers
 * reshape blindly and read out of bounds or broadcast silently.
 */
import type { TensorRule } from '../config/types.js';
import { refuse } from '../errors.js';
import type { TextSlot } from './schema.js';

const INT_RANGE: Readonly<Record<string, readonly [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
  // JSON numbers above 2^53 lose precision: refused rather than rounded.
  UINT64: [0, Number.MAX_SAFE_INTEGER],
};
const FLOAT_MAX: Readonly<Record<string, number>> = { FP16: 65504, BF16: 3.3895313892515355e38, FP32: 3.4028234663852886e38, FP64: Number.MAX_VALUE };

export const DATATYPES = ['BOOL', 'BYTES', ...Object.keys(INT_RANGE), ...Object.keys(FLOAT_MAX)];

export interface TensorInput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: string;
  readonly data: unknown[];
}

export interface CheckedTensor {
  /** Numeric elements in row-major order (empty for BYTES and BOOL). */
  readonly values: readonly number[];
  readonly slots: readonly TextSlot[];
}

function fail(path: string, rule: string, message: string): never {
  throw refuse(400, rule, `${path}: ${message}`, { rules: [rule] });
}

export function checkTensor(t: TensorInput, path: string, rule: TensorRule | undefined, maxElements: number): CheckedTensor {
  if (!DATATYPES.includes(t.datatype)) fail(`${path}.datatype`, 'tensor/datatype', `unknown datatype ${t.datatype}`);
  if (rule?.datatypes !== undefined && !rule.datatypes.includes(t.datatype)) fail(`${path}.datatype`, 'tensor/datatype', `${t.datatype} not allowed here`);
  let count = 1;
  for (const d of t.shape) {
    count *= d;
    if (count > maxElements) fail(`${path}.shape`, 'tensor/size', `more than ${maxElements} elements`);
  }
  if (rule?.shape !== undefined) {
    const want = rule.shape;
    if (want.length !== t.shape.length || want.some((w, i) => w !== -1 && w !== t.shape[i])) {
      fail(`${path}.shape`, 'tensor/shape', `shape [${t.shape.join(', ')}] does not match [${want.join(', ')}]`);
    }
  }
  // Data is either flat (row-major) or nested exactly as the shape says.
  const flat: unknown[] = [];
  const slotsAt: { holder: unknown[]; key: number }[] = [];
  const walk = (node: unknown[], dim: number, p: string): void => {
    const size = t.shape[dim];
    if (size !== undefined && node.length !== size) fail(p, 'tensor/shape', `has ${node.length} entries where the shape says ${size}`);
    for (let i = 0; i < node.length; i++) {
      const v = node[i];
      if (Array.isArray(v)) {
        if (dim + 1 >= t.shape.length) fail(`${p}[${i}]`, 'tensor/shape', 'nested deeper than the shape');
        walk(v, dim + 1, `${p}[${i}]`);
      } else {
        if (dim !== t.shape.length - 1) fail(`${p}[${i}]`, 'tensor/shape', 'not nested as deep as the shape');
        flat.push(v);
        slotsAt.push({ holder: node, key: i });
      }
    }
  };
  const nested = t.data.some((v) => Array.isArray(v));
  if (nested) walk(t.data, 0, `${path}.data`);
  else {
    if (t.data.length !== count) fail(`${path}.data`, 'tensor/shape', `has ${t.data.length} elements where the shape says ${count}`);
    t.data.forEach((v, i) => {
      flat.push(v);
      slotsAt.push({ holder: t.data, key: i });
    });
  }
  const values: number[] = [];
  const slots: TextSlot[] = [];
  const intRange = INT_RANGE[t.datatype];
  const floatMax = FLOAT_MAX[t.datatype];
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    const where = `${path}.data[${i}]`;
    if (t.datatype === 'BOOL') {
      if (typeof v !== 'boolean') fail(where, 'tensor/dtype', 'expected a boolean');
      continue;
    }
    if (t.datatype === 'BYTES') {
      if (typeof v !== 'string') fail(where, 'tensor/dtype', 'expected a string');
      const at = slotsAt[i];
      if (at !== undefined) slots.push({ holder: at.holder, key: at.key, path: where });
      continue;
    }
    if (typeof v !== 'number') fail(where, 'tensor/dtype', `expected a number for ${t.datatype}`);
    if (!Number.isFinite(v)) fail(where, 'tensor/finite', 'not a finite number');
    if (intRange !== undefined && (!Number.isInteger(v) || v < intRange[0] || v > intRange[1])) fail(where, 'tensor/range', `${v} is not a ${t.datatype}`);
    if (floatMax !== undefined && Math.abs(v) > floatMax) fail(where, 'tensor/range', `${v} overflows ${t.datatype}`);
    if ((rule?.min !== undefined && v < rule.min) || (rule?.max !== undefined && v > rule.max)) {
      fail(where, 'tensor/range', `${v} outside [${rule.min ?? '-inf'}, ${rule.max ?? 'inf'}]`);
    }
    values.push(v);
  }
  return { values, slots };
}
