/**
 * Secrets without a recognisable prefix: long tokens with mixed character
 * classes and high Shannon entropy. Next to a word such as "token" or
 * "password" a shorter token is enough.
 */
import type { Recogniser } from '../recogniser.js';

export function shannonBits(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

function classes(s: string): number {
  return (/[a-z]/.test(s) ? 1 : 0) + (/[A-Z]/.test(s) ? 1 : 0) + (/\d/.test(s) ? 1 : 0);
}

const SECRET_WORDS =
  /\b(?:api[_ -]?key|apikey|secret|token|passw(?:or)?d|pwd|credential|auth(?:orization)?|bearer|access[_ -]?key|private[_ -]?key|client[_ -]?secret)\b/i;

export const HIGH_ENTROPY: Recogniser = {
  category: 'secret',
  type: 'high-entropy',
  // Whole runs of token characters (no look-behind, so each character is read once); the length cap is in validate.
  pattern: /[A-Za-z0-9_+/=-]{32,}/g,
  minRun: 32,
  minDigits: 1,
  validate: (v) => v.length <= 256 && classes(v) === 3 && shannonBits(v) >= 4.2,
};

export const HIGH_ENTROPY_NEAR_WORD: Recogniser = {
  category: 'secret',
  type: 'high-entropy',
  pattern: /(?<![A-Za-z0-9_+/=-])[A-Za-z0-9_+/=.-]{16,256}(?![A-Za-z0-9_+/=-])/g,
  validate: (v) => classes(v) >= 2 && shannonBits(v) >= 3.5,
  context: SECRET_WORDS,
  contextWindow: 32,
};
