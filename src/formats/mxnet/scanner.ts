/**
 * MXNet parameter files (`mx.nd.save`, Gluon `save_parameters`, the
 * `-0000.params` of `mx.model.save_checkpoint`): the NDArray list of
 * MXNet's `src/ndarray/ndarray.cc` (`NDArray::Save` of a list): the magic
 * 0x112 and a reserved zero as u64, the arrays, then the names. Each array
 * is a version magic (V2/V3; V1 and the legacy form whose first word is
 * the rank are read too), a storage type, shapes, a context, a dtype and
 * its values (plus index arrays for row-sparse and CSR storage).
 * `mx.nd.load` reads numbers and names; nothing runs. The `-symbol.json`
 * beside it is JSON, judged as text.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import { u32leAt } from '../../bytes/at.js';
import { ModelguardError } from '../../errors.js';
import type { Probe } from '../format.js';
import { expect, inertFormat, type Recogniser } from '../inert.js';

const LIST_MAGIC = 0x112;
const V1 = 0xf993fac8;
const V2 = 0xf993fac9;
const V3 = 0xf993faca;
/** Arrays and names in one file (CWE-770: allocation without limits); a large model has a few thousand. */
const MAX_ARRAYS = 1 << 20;
/** Rank of one shape (MXNet allows 32). */
const MAX_NDIM = 32;
/** Bytes of one parameter name. */
const MAX_NAME = 1 << 16;
/** Element sizes by mshadow type flag: float32, float64, float16, uint8, int32, int8, int64, bool, int16, uint16, uint32, uint64, bfloat16. */
const DTYPE_SIZE = [4, 8, 2, 1, 4, 1, 8, 1, 2, 2, 4, 8, 2];
/** Index arrays by storage type: dense 0, row-sparse 1 (row ids), CSR 2 (indptr, indices). */
const AUX_COUNT = [0, 1, 2];

interface Shape {
  ndim: number;
  /** Elements (1 for rank 0). */
  count: number;
  /** Rank -1 or a dimension -1: a shape numpy semantics leaves unknown. */
  unknown: boolean;
}

/** `TShape::Save`: an int32 rank (-1: unknown), then that many int64 dims (-1: unknown). */
function shape(c: WindowCursor, what: string): Shape {
  const at = c.pos;
  const ndim = c.i32(`${what} rank`);
  if (ndim === -1) return { ndim, count: 0, unknown: true };
  expect(ndim >= 0 && ndim <= MAX_NDIM, `${what}: rank ${ndim}`, at);
  let count = 1;
  let unknown = false;
  for (let i = 0; i < ndim; i++) {
    const d = c.i64(`${what} dim`);
    if (d === -1n) {
      unknown = true;
      continue;
    }
    expect(d >= 0n && d <= BigInt(Number.MAX_SAFE_INTEGER), `${what}: dimension ${d}`, at);
    count *= Number(d);
    expect(Number.isSafeInteger(count), `${what}: ${count} elements`, at);
  }
  return { ndim, count: unknown ? 0 : count, unknown };
}

function dtypeSize(c: WindowCursor, what: string): number {
  const at = c.pos;
  const t = c.i32(what);
  const size = DTYPE_SIZE[t];
  expect(size !== undefined, `${what}: unknown type flag ${t}`, at);
  return size;
}

/** Skips `count * size` bytes after checking they exist. */
function values(c: WindowCursor, count: number, size: number, what: string): void {
  const n = count * size;
  expect(Number.isSafeInteger(n) && n <= c.remaining, `${what}: ${count} values of ${size} bytes do not fit the file`, c.pos);
  c.skip(n, what);
}

/** `NDArray::Load`: one array in any of the forms MXNet reads. */
function ndarray(c: WindowCursor): void {
  const at = c.pos;
  const magic = c.u32('array magic');
  if (magic !== V2 && magic !== V3) {
    let count: number;
    if (magic === V1) {
      const sh = shape(c, 'shape');
      // LegacyLoad: a shape of rank 0 is an empty (none) array, nothing follows.
      if (sh.ndim === 0 || sh.unknown) return;
      count = sh.count;
    } else {
      // Legacy: the word is the rank, followed by uint32 dims.
      expect(magic <= MAX_NDIM, `array magic 0x${magic.toString(16)}`, at);
      if (magic === 0) return;
      count = 1;
      for (let i = 0; i < magic; i++) count *= c.u32('dim');
    }
    c.skip(8, 'context');
    values(c, count, dtypeSize(c, 'type flag'), 'values');
    return;
  }
  const sat = c.pos;
  const stype = c.i32('storage type');
  const nad = AUX_COUNT[stype];
  expect(nad !== undefined, `storage type ${stype}`, sat);
  const stored = nad > 0 ? shape(c, 'storage shape') : undefined;
  const sh = shape(c, 'shape');
  // Save writes nothing more for a none array: rank 0 before numpy semantics (V2), an unknown shape with them (V3).
  if (magic === V2 ? sh.ndim === 0 : sh.unknown) return;
  c.skip(8, 'context');
  const size = dtypeSize(c, 'type flag');
  const aux: { size: number; count: number }[] = [];
  for (let i = 0; i < nad; i++) aux.push({ size: dtypeSize(c, 'index type flag'), count: shape(c, 'index shape').count });
  values(c, nad > 0 ? (stored?.count ?? 0) : sh.count, size, 'values');
  for (const a of aux) values(c, a.count, a.size, 'index values');
}

function listCount(c: WindowCursor, what: string): number {
  const at = c.pos;
  const n = c.u64safe(what);
  if (n > MAX_ARRAYS) throw new ModelguardError('E_LIMIT', `MXNet: ${n} ${what} (limit ${MAX_ARRAYS})`, { offset: at });
  return n;
}

export const mxnetParams: Recogniser = {
  id: 'mxnet-params',
  first: [LIST_MAGIC & 0xff],
  identify: (p: Probe) =>
    p.head.length >= 24 && u32leAt(p.head, 0) === LIST_MAGIC && u32leAt(p.head, 4) === 0 && u32leAt(p.head, 8) === 0 && u32leAt(p.head, 12) === 0,
  check(src: ByteSource): string {
    const c = new WindowCursor(src, 16);
    const arrays = listCount(c, 'arrays');
    for (let i = 0; i < arrays; i++) ndarray(c);
    const names = listCount(c, 'names');
    expect(names === 0 || names === arrays, `${names} names for ${arrays} arrays`, c.pos);
    for (let i = 0; i < names; i++) {
      const at = c.pos;
      const len = c.u64safe('name length');
      expect(len <= MAX_NAME, `name of ${len} bytes`, at);
      c.skip(len, 'name');
    }
    expect(c.remaining === 0, `${c.remaining} bytes after the last name`, c.pos);
    return `MXNet NDArray list of ${arrays} arrays${names > 0 ? ' with their names' : ''}, accounting for all ${src.size} bytes`;
  },
};

export const mxnetFormat = inertFormat({
  id: 'mxnet',
  title: 'MXNet parameters',
  kind: 'model-data-only',
  rule: {
    id: 'mxnet/params',
    title: 'MXNet parameters',
    severity: 'info',
    help: 'An MXNet NDArray list (mx.nd.save, Gluon save_parameters, save_checkpoint .params) walked to its last byte: shapes, dtypes, values and names. mx.nd.load reads numbers; nothing runs.',
    references: ['https://github.com/apache/mxnet/blob/master/src/ndarray/ndarray.cc'],
  },
  members: [mxnetParams],
});
