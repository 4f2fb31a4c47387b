/** A small seeded generator (mulberry32): the fuzzer and the training data are the same on every run. */
export interface Rng {
  next(): number;
  pick<T>(list: readonly T[]): T;
}

export function rng(seed: number): Rng {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    pick<T>(list: readonly T[]): T {
      const v = list[Math.floor(next() * list.length)];
      if (v === undefined) throw new RangeError('pick from an empty list');
      return v;
    },
  };
}
