/**
 * Runs every recogniser over a text and keeps one match per span: where two
 * overlap, the more specific kind wins (a private key over the high-entropy
 * lines inside it, a card over a phone number made of the same digits).
 */
import type { SensitiveCategory } from '../config/types.js';
import { runRecogniser, shapeOf, type Recogniser, type SensitiveMatch } from './recogniser.js';
import { CARD } from './recognisers/card.js';
import { EMAIL } from './recognisers/email.js';
import { HIGH_ENTROPY, HIGH_ENTROPY_NEAR_WORD } from './recognisers/entropy.js';
import { IBAN } from './recognisers/iban.js';
import { IPV4, IPV6 } from './recognisers/ip.js';
import { NATIONAL_IDS } from './recognisers/national-ids.js';
import { PHONE_INTERNATIONAL, PHONE_NATIONAL } from './recognisers/phone.js';
import { SECRETS } from './recognisers/secrets.js';

/** Most specific first: earlier entries win overlaps. */
export const RECOGNISERS: readonly Recogniser[] = [
  ...SECRETS,
  CARD,
  IBAN,
  ...NATIONAL_IDS,
  EMAIL,
  PHONE_INTERNATIONAL,
  PHONE_NATIONAL,
  IPV4,
  IPV6,
  HIGH_ENTROPY,
  HIGH_ENTROPY_NEAR_WORD,
];

/** Matches kept per text (CWE-400: a text made of thousands of e-mail addresses). */
const MAX_MATCHES = 10_000;

/** Finds sensitive values of the given categories, non-overlapping, in text order. */
export function findSensitive(text: string, categories: ReadonlySet<SensitiveCategory>): SensitiveMatch[] {
  const accepted: SensitiveMatch[] = [];
  // One byte per UTF-16 unit marks what an accepted match covers: overlap checks cost the match's length.
  let covered: Uint8Array | undefined;
  const shape = shapeOf(text);
  for (const r of RECOGNISERS) {
    if (!categories.has(r.category)) continue;
    const found: SensitiveMatch[] = [];
    runRecogniser(r, text, found, shape);
    for (const m of found) {
      covered ??= new Uint8Array(text.length);
      if (covered.subarray(m.start, m.end).includes(1)) continue;
      covered.fill(1, m.start, m.end);
      accepted.push(m);
      if (accepted.length >= MAX_MATCHES) return accepted.sort((a, b) => a.start - b.start);
    }
  }
  return accepted.sort((a, b) => a.start - b.start);
}
