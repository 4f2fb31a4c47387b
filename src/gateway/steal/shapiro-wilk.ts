/**
 * The Shapiro-Wilk test of normality with Royston's approximations
 * (Royston 1995, algorithm AS R94, the one R's shapiro.test and SciPy use),
 * for 3 <= n <= 5000. PRADA flags a query stream whose minimum distances
 * are not normally distributed.
 */
import { normalQuantile, upperTail } from './normal.js';

const C1 = [0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056];
const C2 = [0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633];
const C3 = [0.544, -0.39978, 0.025054, -6.714e-4];
const C4 = [1.3822, -0.77857, 0.062767, -0.0020322];
const C5 = [-1.5861, -0.31082, -0.083751, 0.0038915];
const C6 = [-0.4803, -0.082676, 0.0030302];

/** c[0] + c[1] x + c[2] x^2 + ... */
function poly(c: readonly number[], x: number): number {
  let r = 0;
  for (let i = c.length - 1; i >= 0; i--) r = r * x + (c[i] ?? 0);
  return r;
}

/** The coefficients a[0..n/2) for the largest-minus-smallest pairs. */
function coefficients(n: number): Float64Array {
  const half = Math.floor(n / 2);
  const a = new Float64Array(half);
  if (n === 3) {
    a[0] = Math.SQRT1_2;
    return a;
  }
  let summ2 = 0;
  for (let i = 0; i < half; i++) {
    const m = normalQuantile((i + 1 - 0.375) / (n + 0.25));
    a[i] = m;
    summ2 += m * m;
  }
  summ2 *= 2;
  const ssumm2 = Math.sqrt(summ2);
  const rsn = 1 / Math.sqrt(n);
  const m0 = a[0] ?? 0;
  const a1 = poly(C1, rsn) - m0 / ssumm2;
  let first: number;
  let fac: number;
  if (n > 5) {
    const m1 = a[1] ?? 0;
    const a2 = -m1 / ssumm2 + poly(C2, rsn);
    fac = Math.sqrt((summ2 - 2 * m0 * m0 - 2 * m1 * m1) / (1 - 2 * a1 * a1 - 2 * a2 * a2));
    a[1] = a2;
    first = 2;
  } else {
    fac = Math.sqrt((summ2 - 2 * m0 * m0) / (1 - 2 * a1 * a1));
    first = 1;
  }
  a[0] = a1;
  for (let i = first; i < half; i++) a[i] = -(a[i] ?? 0) / fac;
  return a;
}

export interface ShapiroWilk {
  readonly w: number;
  readonly p: number;
}

/** W and its p-value; a sample with no spread returns W = 1 (nothing to test). */
export function shapiroWilk(sample: readonly number[]): ShapiroWilk {
  const n = sample.length;
  if (n < 3 || n > 5000) throw new RangeError('Shapiro-Wilk needs 3 to 5000 values');
  const x = Float64Array.from(sample).sort();
  const range = (x[n - 1] ?? 0) - (x[0] ?? 0);
  if (!(range > 1e-19 * Math.max(1, Math.abs(x[0] ?? 0)))) return { w: 1, p: 1 };
  const a = coefficients(n);
  let mean = 0;
  for (const v of x) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of x) ss += (v - mean) * (v - mean);
  let b = 0;
  for (let i = 0; i < a.length; i++) b += (a[i] ?? 0) * ((x[n - 1 - i] ?? 0) - (x[i] ?? 0));
  const w = Math.min(1, (b * b) / ss);
  return { w, p: pValue(w, n) };
}

function pValue(w: number, n: number): number {
  if (n === 3) return Math.max(0, (6 / Math.PI) * (Math.asin(Math.sqrt(w)) - Math.PI / 3));
  const w1 = 1 - w;
  if (w1 <= 0) return 1;
  let y = Math.log(w1);
  if (n <= 11) {
    const gamma = -2.273 + 0.459 * n;
    if (y >= gamma) return 1e-99;
    y = -Math.log(gamma - y);
    return upperTail(y, poly(C3, n), Math.exp(poly(C4, n)));
  }
  const ln = Math.log(n);
  return upperTail(y, poly(C5, ln), Math.exp(poly(C6, ln)));
}
