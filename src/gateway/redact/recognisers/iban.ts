/**
 * IBANs (ISO 13616): country code, two check digits, the country's fixed
 * length of BBAN, and the MOD 97-10 check. Printed IBANs group by four with
 * spaces; the length table decides where the number ends.
 */
import { ibanMod97Valid } from '../checksums.js';
import type { Recogniser } from '../recogniser.js';

/** Total IBAN length per country (SWIFT IBAN registry). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

export function ibanValid(v: string): boolean {
  const compact = v.replace(/ /g, '').toUpperCase();
  const want = IBAN_LENGTHS[compact.slice(0, 2)];
  return want !== undefined && compact.length === want && ibanMod97Valid(compact);
}

/** Where an IBAN of its country's length ends in a (possibly grouped) candidate. */
export function ibanFit(candidate: string): number {
  const want = IBAN_LENGTHS[candidate.slice(0, 2)];
  if (want === undefined) return 0;
  let count = 0;
  for (let i = 0; i < candidate.length; i++) {
    if (candidate[i] !== ' ') count++;
    // The value must end at the candidate's end or at a group boundary, not inside a longer word.
    if (count === want) return i + 1 === candidate.length || candidate[i + 1] === ' ' ? i + 1 : 0;
  }
  return 0;
}

export const IBAN: Recogniser = {
  category: 'iban',
  type: 'iban',
  hint: /[A-Z]{2}\d\d/,
  minDigits: 2,
  // Compact, or grouped by four with single spaces; the validator checks the country's exact length.
  pattern: /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?)(?![A-Za-z0-9])/g,
  fit: ibanFit,
  validate: ibanValid,
};
