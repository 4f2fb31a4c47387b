/**
 * L2-regularised logistic regression with a fixed per-example offset,
 * trained by full-batch gradient descent with momentum in a fixed order:
 * the same data gives the same weights, bit for bit, on every run.
 * Classes are weighted to equal total mass.
 */
import { DIMENSIONS } from '../features.js';
import { similarity, HASHES } from '../minhash.js';
import { similarityLogit, sigmoid } from '../score.js';
import type { Example } from './dataset.js';

export interface TrainOptions {
  readonly epochs: number;
  readonly rate: number;
  readonly l2: number;
}

export const DEFAULT_TRAINING: TrainOptions = { epochs: 600, rate: 4, l2: 1e-5 };

/** Similarity logit of each example to the attacks in `library`, never to itself (leave-one-out). */
export function offsets(examples: readonly Example[], library: readonly Example[]): Float64Array {
  const out = new Float64Array(examples.length);
  examples.forEach((e, i) => {
    let best = 0;
    if (e.signature !== undefined) {
      for (const a of library) {
        if (a === e || a.signature === undefined || !a.attack || a.group === 'generated') continue;
        const s = similarity(e.signature, a.signature);
        if (s > best) best = s;
      }
    }
    out[i] = e.ruleLogit + similarityLogit(best);
  });
  return out;
}

export function train(examples: readonly Example[], offset: Float64Array, o: TrainOptions = DEFAULT_TRAINING): { bias: number; weights: Float64Array } {
  const w = new Float64Array(DIMENSIONS);
  const vw = new Float64Array(DIMENSIONS);
  const g = new Float64Array(DIMENSIONS);
  let b = 0;
  let vb = 0;
  const pos = examples.filter((e) => e.attack).length;
  const neg = examples.length - pos;
  const cw = (e: Example): number => (e.attack ? examples.length / (2 * Math.max(1, pos)) : examples.length / (2 * Math.max(1, neg)));
  const n = examples.length;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    g.fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const e = examples[i] as Example;
      let z = b + (offset[i] as number);
      for (let k = 0; k < e.x.index.length; k++) z += (w[e.x.index[k] as number] as number) * (e.x.value[k] as number);
      const err = (sigmoid(z) - (e.attack ? 1 : 0)) * cw(e);
      gb += err;
      for (let k = 0; k < e.x.index.length; k++) {
        const j = e.x.index[k] as number;
        g[j] = (g[j] as number) + err * (e.x.value[k] as number);
      }
    }
    for (let j = 0; j < DIMENSIONS; j++) {
      const grad = (g[j] as number) / n + o.l2 * (w[j] as number);
      vw[j] = 0.9 * (vw[j] as number) - o.rate * grad;
      w[j] = (w[j] as number) + (vw[j] as number);
    }
    vb = 0.9 * vb - o.rate * (gb / n);
    b += vb;
  }
  return { bias: b, weights: w };
}

/** Int8 quantisation with one scale (what is committed and what inference reads). */
export function quantise(weights: Float64Array): { scale: number; q: Int8Array } {
  let max = 0;
  for (const v of weights) max = Math.max(max, Math.abs(v));
  const scale = max === 0 ? 1 : Number((max / 127).toPrecision(8));
  const q = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round((weights[i] as number) / scale)));
  return { scale, q };
}

export { HASHES };
