/**
 * Query vectors for the extraction monitor: numeric inputs as they are
 * (average-pooled to a fixed size), text as hashed character trigrams
 * (a fixed-size, L2-normalised bag), so distances between successive
 * queries can be measured for any route.
 */
export const DIMENSIONS = 128;

/** FNV-1a over a short string. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function textFeatures(text: string): Float32Array {
  const v = new Float32Array(DIMENSIONS);
  const t = ` ${text.toLowerCase().slice(0, 20_000)} `;
  for (let i = 0; i + 3 <= t.length; i++) {
    const h = fnv1a(t.slice(i, i + 3));
    v[h % DIMENSIONS] = (v[h % DIMENSIONS] ?? 0) + ((h >>> 16) & 1 ? 1 : -1);
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
  return v;
}

/** Numbers pooled into `DIMENSIONS` contiguous blocks (a linear map: distances scale, order is kept roughly). */
export function numericFeatures(values: readonly number[]): Float32Array {
  if (values.length <= DIMENSIONS) return Float32Array.from(values);
  const v = new Float32Array(DIMENSIONS);
  const per = values.length / DIMENSIONS;
  for (let d = 0; d < DIMENSIONS; d++) {
    const from = Math.floor(d * per);
    const to = Math.max(from + 1, Math.floor((d + 1) * per));
    let s = 0;
    for (let i = from; i < to; i++) s += values[i] ?? 0;
    v[d] = s / (to - from);
  }
  return v;
}

export function distance(a: Float32Array, b: Float32Array): number {
  const n = Math.max(a.length, b.length);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    s += d * d;
  }
  return Math.sqrt(s);
}
