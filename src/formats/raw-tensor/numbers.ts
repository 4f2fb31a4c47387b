/**
 * Whether headerless bytes read as one array of numbers, the way
 * `ndarray.tofile`, word2vec-style vector dumps, ONNX external data and
 * OpenVINO weights store them: little-endian elements of one type, one
 * after another, the file a whole number of elements. Each candidate type
 * has a range real tensors stay in (float exponents within 2^-60..2^40,
 * integers whose high bytes are a sign extension); arbitrary bytes fall
 * outside it for a large share of their elements (a random float32 is in
 * range about one time in four), so a type is accepted only when almost
 * every sampled element is.
 *
 * This names what the bytes are; it is not what makes them harmless. That
 * is the pickle walk `inert.ts` runs on every fallback format: loaders that
 * run code (pickle.load, torch.load, joblib.load) fail on these bytes
 * before anything acts, or the file is analysed as a pickle too.
 */
import type { ByteSource } from '../../bytes/source.js';

export interface NumberType {
  /** numpy's name for it. */
  readonly name: string;
  readonly size: number;
  /** Whether the element at `i` of `dv` is in the range real tensors use. */
  plausible(dv: DataView, i: number): boolean;
}

/** Share of sampled elements that must be in range. */
export const MIN_PLAUSIBLE = 0.995;
/** Share of sampled elements that must not be zero: a file of zeros (or a few words and then zeros) reads as every type and is not evidence of any. */
export const MIN_NONZERO = 0.125;
/** Elements a decision needs at least (a file of fewer is too small to tell numbers from anything). */
export const MIN_ELEMENTS = 64;
/** Bytes per sampled window and windows sampled across the file (CWE-400: reads stay bounded whatever the size). */
export const SAMPLE_BYTES = 4096;
export const SAMPLE_WINDOWS = 64;
/**
 * Leading bytes in which every element must be in range: a headerless file
 * has no header, so a few odd words at the start (a length, a checksum, a
 * magic number of some format no scanner claimed) are not numbers.
 */
export const STRICT_HEAD_BYTES = 64;

/** A float whose biased exponent `e` (bias `bias`) is zero/subnormal-free within 2^-60..2^40, or an exact zero. */
function floatInRange(e: number, bias: number, zero: boolean): boolean {
  return zero || (e >= bias - 60 && e <= bias + 40);
}

export const NUMBER_TYPES: readonly NumberType[] = [
  {
    name: 'float32',
    size: 4,
    plausible(dv, i) {
      const v = dv.getUint32(i, true);
      return floatInRange((v >>> 23) & 0xff, 127, (v & 0x7fffffff) === 0);
    },
  },
  {
    name: 'float64',
    size: 8,
    plausible(dv, i) {
      const hi = dv.getUint32(i + 4, true);
      return floatInRange((hi >>> 20) & 0x7ff, 1023, (hi & 0x7fffffff) === 0 && dv.getUint32(i, true) === 0);
    },
  },
  {
    name: 'int64',
    size: 8,
    plausible(dv, i) {
      // Ids, offsets and token counts: within ±2^40.
      const v = dv.getBigInt64(i, true);
      return v >= -(1n << 40n) && v <= 1n << 40n;
    },
  },
  {
    name: 'int32',
    size: 4,
    plausible(dv, i) {
      const v = dv.getInt32(i, true);
      return v >= -(1 << 24) && v <= 1 << 24;
    },
  },
  {
    name: 'float16',
    size: 2,
    plausible(dv, i) {
      // Half precision reaches only 2^-24..2^15, and small weights are often subnormal: any finite value up to 2^7.
      const e = (dv.getUint16(i, true) >>> 10) & 0x1f;
      return e <= 22;
    },
  },
  {
    name: 'bfloat16',
    size: 2,
    plausible(dv, i) {
      const v = dv.getUint16(i, true);
      return floatInRange((v >>> 7) & 0xff, 127, (v & 0x7fff) === 0);
    },
  },
];

/** Counts elements of `t` in `b` (whole elements only): in range, and not zero. */
function countPlausible(t: NumberType, b: Uint8Array): { n: number; ok: number; nonzero: number } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = Math.floor(b.length / t.size);
  let ok = 0;
  let nonzero = 0;
  for (let k = 0; k < n; k++) {
    const at = k * t.size;
    if (t.plausible(dv, at)) ok++;
    for (let j = 0; j < t.size; j++) {
      if (dv.getUint8(at + j) !== 0) {
        nonzero++;
        break;
      }
    }
  }
  return { n, ok, nonzero };
}

/** Whether counts decide for the type: almost all in range, and enough of them not zero (padding and zero-filled buffers are not evidence of numbers). */
function decides(n: number, ok: number, nonzero: number): boolean {
  return n > 0 && ok >= n * MIN_PLAUSIBLE && nonzero >= n * MIN_NONZERO;
}

/** Whether every element in the first `STRICT_HEAD_BYTES` of the file (`head` starts at offset 0) is in range. */
function headInRange(t: NumberType, head: Uint8Array): boolean {
  const n = Math.min(head.length, STRICT_HEAD_BYTES);
  const r = countPlausible(t, head.subarray(0, n - (n % t.size)));
  return r.ok === r.n;
}

/** The first type (in `NUMBER_TYPES` order) whose elements fill `size` bytes and of which `b` reads as in range. */
export function typeOfSample(b: Uint8Array, size: number): NumberType | undefined {
  for (const t of NUMBER_TYPES) {
    if (size % t.size !== 0 || size / t.size < MIN_ELEMENTS || !headInRange(t, b)) continue;
    const { n, ok, nonzero } = countPlausible(t, b.subarray(0, b.length - (b.length % t.size)));
    if (n >= Math.min(MIN_ELEMENTS, size / t.size) && decides(n, ok, nonzero)) return t;
  }
  return undefined;
}

/**
 * Samples `SAMPLE_WINDOWS` windows spread over the whole file (the first
 * and the last included) and returns the type all of them read as, with
 * the count of elements checked.
 */
export function typeOfSource(src: ByteSource): { type: NumberType; checked: number } | undefined {
  const windows: Uint8Array[] = [];
  const span = Math.max(0, src.size - SAMPLE_BYTES);
  const count = src.size <= SAMPLE_BYTES ? 1 : SAMPLE_WINDOWS;
  for (let w = 0; w < count; w++) {
    // Window starts aligned to 8 bytes, so every candidate type reads whole elements.
    const start = count === 1 ? 0 : Math.floor((span * w) / (count - 1) / 8) * 8;
    windows.push(src.read(start, Math.min(SAMPLE_BYTES, src.size - start)));
  }
  for (const t of NUMBER_TYPES) {
    if (src.size % t.size !== 0 || src.size / t.size < MIN_ELEMENTS || !headInRange(t, windows[0] ?? new Uint8Array(0))) continue;
    let n = 0;
    let ok = 0;
    let nonzero = 0;
    for (const b of windows) {
      const r = countPlausible(t, b.subarray(0, b.length - (b.length % t.size)));
      n += r.n;
      ok += r.ok;
      nonzero += r.nonzero;
    }
    if (decides(n, ok, nonzero)) return { type: t, checked: n };
  }
  return undefined;
}
