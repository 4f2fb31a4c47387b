/**
 * Checked element reads for code that indexes arrays directly (bit
 * readers, codec tables, small fixed layouts) rather than through
 * `ByteReader`. `noUncheckedIndexedAccess` types `a[i]` as `T | undefined`;
 * these turn an index outside the array into a coded error where a cast
 * (`a[i] as number`) would go on with `undefined`, read as 0 or NaN.
 */
import { ModelguardError } from '../errors.js';

/** Byte `i` of input `b`; `E_TRUNCATED` at offset `base + i` when `b` ends before it. */
export function byteAt(b: Uint8Array, i: number, base = 0): number {
  const v = b[i];
  if (v === undefined) throw new ModelguardError('E_TRUNCATED', `input ends before byte ${base + i}`, { offset: base + i });
  return v;
}

/** Little-endian u16 at `b[i..i+2)`; `E_TRUNCATED` when `b` ends before it. */
export function u16leAt(b: Uint8Array, i: number, base = 0): number {
  return byteAt(b, i, base) | (byteAt(b, i + 1, base) << 8);
}

/** Big-endian u16 at `b[i..i+2)`; `E_TRUNCATED` when `b` ends before it. */
export function u16beAt(b: Uint8Array, i: number, base = 0): number {
  return (byteAt(b, i, base) << 8) | byteAt(b, i + 1, base);
}

/** Little-endian u32 at `b[i..i+4)` (unsigned); `E_TRUNCATED` when `b` ends before it. */
export function u32leAt(b: Uint8Array, i: number, base = 0): number {
  return (byteAt(b, i, base) | (byteAt(b, i + 1, base) << 8) | (byteAt(b, i + 2, base) << 16) | (byteAt(b, i + 3, base) << 24)) >>> 0;
}

/** Big-endian u32 at `b[i..i+4)` (unsigned); `E_TRUNCATED` when `b` ends before it. */
export function u32beAt(b: Uint8Array, i: number, base = 0): number {
  return ((byteAt(b, i, base) << 24) | (byteAt(b, i + 1, base) << 16) | (byteAt(b, i + 2, base) << 8) | byteAt(b, i + 3, base)) >>> 0;
}

/**
 * Element `i` of a table or array the code built itself. An index outside
 * it means a value from the input got past a check: `E_MALFORMED` naming
 * `what`, never `undefined` read on.
 */
export function entry<T>(a: ArrayLike<T>, i: number, what: string): T {
  const v = a[i];
  if (v === undefined) throw new ModelguardError('E_MALFORMED', `${what}: index ${i} outside the table of ${a.length}`);
  return v;
}
