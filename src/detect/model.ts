/**
 * The statistical model: a logistic regression over hashed n-grams
 * (`features.ts`), weights stored as int8 with one scale, and the MinHash
 * signatures of the bundled attack library. Both are produced by
 * `scripts/detect/train.mjs` into `model-data.ts` and decoded once, lazily.
 */
import { DIMENSIONS, type SparseVector } from './features.js';
import { MODEL_DATA } from './model-data.js';

export interface Model {
  readonly bias: number;
  readonly weights: Float64Array;
  /** Packed signatures, `HASHES` per known attack. */
  readonly library: Uint16Array;
}

let cached: Model | undefined;

function decodeBase64(chunks: readonly string[]): Uint8Array {
  return Uint8Array.from(Buffer.from(chunks.join(''), 'base64'));
}

/** Builds a model from raw parts (the trainer and cross-validation use this). */
export function modelFrom(bias: number, weights: Float64Array, library: Uint16Array): Model {
  if (weights.length !== DIMENSIONS) throw new RangeError(`model has ${weights.length} weights, expected ${DIMENSIONS}`);
  return { bias, weights, library };
}

/** The committed model. */
export function bundledModel(): Model {
  if (cached !== undefined) return cached;
  const q = decodeBase64(MODEL_DATA.weights);
  const weights = new Float64Array(DIMENSIONS);
  for (let i = 0; i < DIMENSIONS; i++) weights[i] = (((q[i] ?? 0) << 24) >> 24) * MODEL_DATA.scale;
  const lib = decodeBase64(MODEL_DATA.library);
  const library = new Uint16Array(lib.length >> 1);
  for (let i = 0; i < library.length; i++) library[i] = (lib[2 * i] ?? 0) | ((lib[2 * i + 1] ?? 0) << 8);
  cached = modelFrom(MODEL_DATA.bias, weights, library);
  return cached;
}

/** The model's logit for a feature vector (bias included). */
export function modelLogit(m: Model, x: SparseVector): number {
  let z = m.bias;
  for (let i = 0; i < x.index.length; i++) z += (m.weights[x.index[i] as number] ?? 0) * (x.value[i] as number);
  return z;
}
