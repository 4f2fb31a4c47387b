/**
 * PRADA (Juuti, Szyller, Marchal, Asokan: "PRADA: Protecting against DNN
 * Model Stealing Attacks", EuroS&P 2019). For each API key, every query is
 * compared with that key's earlier queries of the same predicted class;
 * the minimum distance joins a set D. Natural queries give normally
 * distributed minimum distances; the synthetic queries extraction attacks
 * craft (small perturbations of seeds, Jacobian augmentation, grids) do
 * not. When |D| reaches `minQueries`, Shapiro-Wilk's W below `delta` flags
 * the key.
 *
 * Bounded: `history` vectors per key, `window` distances per key, and at
 * most MAX_KEYS keys (least recently seen dropped; CWE-770).
 */
import type { PradaConfig } from '../config/types.js';
import { distance } from './features.js';
import { shapiroWilk } from './shapiro-wilk.js';

const MAX_KEYS = 1000;

interface ClassSet {
  readonly vectors: Float32Array[];
  /** Distances that admitted vectors into the growing set (for its threshold). */
  readonly admitted: number[];
}

interface KeyState {
  readonly classes: Map<string, ClassSet>;
  readonly distances: number[];
  stored: number;
  flagged: boolean;
  w: number | undefined;
}

export interface PradaVerdict {
  readonly flagged: boolean;
  readonly w: number | undefined;
  readonly samples: number;
}

function meanStd(xs: readonly number[]): [number, number] {
  if (xs.length === 0) return [0, 0];
  let m = 0;
  for (const x of xs) m += x;
  m /= xs.length;
  let v = 0;
  for (const x of xs) v += (x - m) * (x - m);
  return [m, Math.sqrt(v / xs.length)];
}

export class PradaMonitor {
  readonly #config: PradaConfig;
  readonly #keys = new Map<string, KeyState>();

  constructor(config: PradaConfig) {
    this.#config = config;
  }

  isFlagged(key: string): boolean {
    return this.#keys.get(key)?.flagged === true;
  }

  observe(key: string, query: Float32Array, predictedClass: string): PradaVerdict {
    let s = this.#keys.get(key);
    if (s === undefined) {
      s = { classes: new Map(), distances: [], stored: 0, flagged: false, w: undefined };
      if (this.#keys.size >= MAX_KEYS) {
        const oldest = this.#keys.keys().next().value;
        if (oldest !== undefined) this.#keys.delete(oldest);
      }
    } else this.#keys.delete(key);
    this.#keys.set(key, s);
    let set = s.classes.get(predictedClass);
    if (set === undefined) {
      set = { vectors: [], admitted: [] };
      s.classes.set(predictedClass, set);
    }
    if (set.vectors.length === 0) {
      this.#store(s, set, query);
    } else {
      let dmin = Infinity;
      for (const v of set.vectors) dmin = Math.min(dmin, distance(query, v));
      s.distances.push(dmin);
      if (s.distances.length > this.#config.window) s.distances.shift();
      const [m, sd] = meanStd(set.admitted);
      if (set.admitted.length === 0 || dmin > m - sd) {
        set.admitted.push(dmin);
        if (set.admitted.length > this.#config.window) set.admitted.shift();
        this.#store(s, set, query);
      }
    }
    if (s.distances.length >= this.#config.minQueries) {
      s.w = shapiroWilk(s.distances).w;
      // Once flagged, a key stays flagged until the monitor is reset (a restart or a key rotation).
      s.flagged ||= s.w < this.#config.delta;
    }
    return { flagged: s.flagged, w: s.w, samples: s.distances.length };
  }

  #store(s: KeyState, set: ClassSet, v: Float32Array): void {
    set.vectors.push(v);
    s.stored++;
    if (s.stored > this.#config.history) {
      // Drop the oldest vector of the largest class.
      let largest: ClassSet | undefined;
      for (const c of s.classes.values()) if (largest === undefined || c.vectors.length > largest.vectors.length) largest = c;
      largest?.vectors.shift();
      s.stored--;
    }
  }
}
