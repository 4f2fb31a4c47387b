/**
 * Features of the statistical model: hashed word unigrams and bigrams of
 * the normalised text (CJK, kana and hangul read one character per token),
 * counts damped with log(1 + n) and the vector scaled to unit length, so a
 * long text weighs no more than a short one; below `FULL_WEIGHT_TOKENS`
 * tokens the vector is shortened in proportion, so two words cannot make
 * a verdict (short attacks are the rules' job). Hashing is FNV-1a over UTF-16
 * units into `DIMENSIONS` buckets: no vocabulary is stored.
 */
export const DIMENSIONS = 1 << 15;
/** Tokens read per text (the normalised text is already bounded; this bounds the feature work). */
export const MAX_TOKENS = 4096;
/** Texts with fewer tokens get proportionally less say from the model. */
export const FULL_WEIGHT_TOKENS = 24;

const TOKEN = /[a-z0-9']+|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|[^\s\p{P}\p{S}\d]+/gu;

export function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function tokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(TOKEN)) {
    out.push(m[0]);
    if (out.length >= MAX_TOKENS) break;
  }
  return out;
}

export interface SparseVector {
  readonly index: Int32Array;
  readonly value: Float64Array;
}

/** The feature vector of a normalised text, or of its `tokens` when they are already split. */
export function featurise(normalised: string | readonly string[]): SparseVector {
  const counts = new Map<number, number>();
  const toks = typeof normalised === 'string' ? tokens(normalised) : normalised;
  const bump = (k: number): void => {
    counts.set(k, (counts.get(k) ?? 0) + 1);
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] as string;
    bump(fnv1a(t) & (DIMENSIONS - 1));
    if (i > 0) bump(fnv1a(`${toks[i - 1] as string} ${t}`) & (DIMENSIONS - 1));
  }
  const index = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const value = new Float64Array(index.length);
  let norm = 0;
  for (let i = 0; i < index.length; i++) {
    const v = Math.log1p(counts.get(index[i] as number) ?? 0);
    value[i] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm) / Math.min(1, toks.length / FULL_WEIGHT_TOKENS);
  if (norm > 0) for (let i = 0; i < value.length; i++) value[i] = (value[i] as number) / norm;
  return { index, value };
}
