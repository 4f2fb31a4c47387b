/**
 * Telephone numbers: international form (`+` and 8-15 digits, E.164) on its
 * own; national forms only after a context word, since a bare digit group
 * is as likely an order number.
 */
import { digitsOf, type Recogniser } from '../recogniser.js';

const PHONE_WORDS = /\b(?:phone|tel|telephone|mobile|cell|call|fax|whatsapp|sms|contact|reach me|téléphone|telefon|teléfono|handy|portable)\b/i;

function plausible(v: string): boolean {
  const d = digitsOf(v);
  // All one digit, or a run like 0123456789, is a placeholder rather than a number.
  return d.length >= 8 && d.length <= 15 && !/^(\d)\1+$/.test(d) && !'01234567890123456789'.includes(d);
}

export const PHONE_INTERNATIONAL: Recogniser = {
  category: 'phone',
  type: 'phone',
  hint: /\+\d/,
  minDigits: 8,
  pattern: /(?<![\w+])\+[1-9]\d{0,2}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,4}){2,5}(?![\w])/g,
  validate: plausible,
};

export const PHONE_NATIONAL: Recogniser = {
  category: 'phone',
  type: 'phone',
  pattern: /(?<![\w+.-])(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])(?:\d{2,4}[ .-]){0,3}\d{2,4}(?![\w.-]*\d)/g,
  minDigits: 8,
  validate: plausible,
  context: PHONE_WORDS,
};
