/**
 * Similarity to known attacks: MinHash over word 3-shingles of the
 * normalised text. A signature is `HASHES` minima, each kept as 16 bits;
 * the share of equal positions estimates the Jaccard similarity of the
 * shingle sets. Attack prompts circulate in families (DAN and its many
 * edits), so a text close to a known one is evidence even when every rule
 * misses.
 */
import { fnv1a, tokens } from './features.js';

export const HASHES = 32;
const SHINGLE = 3;

const MUL: readonly number[] = Array.from({ length: HASHES }, (_, i) => (fnv1a(`mul${i}`) | 1) >>> 0);
const ADD: readonly number[] = Array.from({ length: HASHES }, (_, i) => fnv1a(`add${i}`));

/**
 * The signature of a normalised text (or of its `tokens`), or undefined when it has fewer than
 * `SHINGLE` + 5 words (too short to compare).
 */
export function signature(normalised: string | readonly string[]): Uint16Array | undefined {
  const t = typeof normalised === 'string' ? tokens(normalised) : normalised;
  if (t.length < SHINGLE + 5) return undefined;
  const mins = new Uint32Array(HASHES).fill(0xffffffff);
  for (let i = 0; i + SHINGLE <= t.length; i++) {
    // FNV-1a of "a b c", chained over the parts (the same value, no string built per shingle).
    const h = fnv1a(t[i + 2] as string, fnv1a(' ', fnv1a(t[i + 1] as string, fnv1a(' ', fnv1a(t[i] as string)))));
    for (let k = 0; k < HASHES; k++) {
      const v = (Math.imul(h, MUL[k] as number) + (ADD[k] as number)) >>> 0;
      if (v < (mins[k] as number)) mins[k] = v;
    }
  }
  const sig = new Uint16Array(HASHES);
  for (let k = 0; k < HASHES; k++) sig[k] = (mins[k] as number) >>> 16;
  return sig;
}

/** Estimated Jaccard similarity of two signatures. */
export function similarity(a: Uint16Array, b: Uint16Array, offset = 0): number {
  let same = 0;
  for (let k = 0; k < HASHES; k++) if (a[k] === b[offset + k]) same++;
  return same / HASHES;
}

/** The best similarity of `sig` against a packed library (`HASHES` values per entry). */
export function nearest(sig: Uint16Array, library: Uint16Array): number {
  let best = 0;
  for (let off = 0; off + HASHES <= library.length; off += HASHES) {
    const s = similarity(sig, library, off);
    if (s > best) best = s;
  }
  return best;
}
