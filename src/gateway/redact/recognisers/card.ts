/**
 * Payment card numbers (PANs): 13-19 digits, optionally in groups, a known
 * issuer prefix (ISO/IEC 7812 IIN ranges of the major networks) and a valid
 * Luhn check digit.
 */
import { luhnValid } from '../checksums.js';
import { digitsOf, type Recogniser } from '../recogniser.js';

/** [prefix regex, allowed lengths] per network. */
const NETWORKS: readonly (readonly [RegExp, readonly number[]])[] = [
  [/^4/, [13, 16, 19]], // Visa
  [/^(?:5[1-5]|2(?:2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720))/, [16]], // Mastercard
  [/^3[47]/, [15]], // American Express
  [/^(?:6011|65|64[4-9])/, [16, 19]], // Discover
  [/^35(?:2[89]|[3-8]\d)/, [16, 17, 18, 19]], // JCB
  [/^3(?:0[0-5]|[68])/, [14, 16, 19]], // Diners Club
  [/^62/, [16, 17, 18, 19]], // UnionPay
  [/^(?:5018|5020|5038|5893|6304|6759|676[1-3])/, [12, 13, 14, 15, 16, 17, 18, 19]], // Maestro
];

export function cardValid(v: string): boolean {
  const d = digitsOf(v);
  if (!luhnValid(d)) return false;
  return NETWORKS.some(([re, lengths]) => re.test(d) && lengths.includes(d.length));
}

export const CARD: Recogniser = {
  category: 'card',
  type: 'card',
  hint: /\d{4}/,
  minDigits: 12,
  // Groups separated consistently by one space or dash, or no separator at all.
  pattern: /(?<![\w-])(?:\d{4}([ -]?)\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -]?)\d{6}\2\d{4,5})(?![\d-])/g,
  validate: cardValid,
};
