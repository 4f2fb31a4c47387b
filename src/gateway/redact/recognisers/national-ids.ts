/**
 * National identifiers with their published check rules. Formats that are
 * distinctive on their own (Spanish DNI/NIE, French NIR, Italian codice
 * fiscale, Finnish HETU, US SSN written with dashes, UK NINO) need no
 * context; bare digit strings (Dutch BSN, Polish PESEL, Swedish
 * personnummer, Belgian national number) need a context word nearby.
 */
import { luhnValid, modDecimal, weightedSum } from '../checksums.js';
import { digitsOf, type Recogniser } from '../recogniser.js';

/** US Social Security Number: no checksum; SSA never issues area 000, 666 or 9xx, group 00 or serial 0000. */
function ssnValid(v: string): boolean {
  const d = digitsOf(v);
  const area = Number(d.slice(0, 3));
  return d.length === 9 && area !== 0 && area !== 666 && area < 900 && d.slice(3, 5) !== '00' && d.slice(5) !== '0000';
}

/** UK National Insurance number: prefix letters exclude D, F, I, Q, U, V (and O second); some pairs never issued. */
function ninoValid(v: string): boolean {
  const c = v.replace(/ /g, '').toUpperCase();
  return !['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'].includes(c.slice(0, 2));
}

/** Spanish DNI (8 digits) and NIE (X/Y/Z + 7 digits): the letter is "TRWAGMYFPDXBNJZSQVHLCKE"[n mod 23]. */
function dniValid(v: string): boolean {
  const c = v.replace(/-/g, '').toUpperCase();
  const num = c.replace(/^X/, '0').replace(/^Y/, '1').replace(/^Z/, '2').slice(0, 8);
  return /^\d{8}$/.test(num) && 'TRWAGMYFPDXBNJZSQVHLCKE'[Number(num) % 23] === c[8];
}

/** French NIR (numéro de sécurité sociale): key = 97 - (13 digits mod 97), Corsica 2A/2B read as 19/18. */
function nirValid(v: string): boolean {
  const c = v.replace(/ /g, '').toUpperCase();
  const body = c.slice(0, 13).replace('2A', '19').replace('2B', '18');
  if (!/^\d{13}$/.test(body)) return false;
  return 97 - modDecimal(body, 97) === Number(c.slice(13));
}

const CF_ODD: Readonly<Record<string, number>> = {
  '0': 1,
  '1': 0,
  '2': 5,
  '3': 7,
  '4': 9,
  '5': 13,
  '6': 15,
  '7': 17,
  '8': 19,
  '9': 21,
  A: 1,
  B: 0,
  C: 5,
  D: 7,
  E: 9,
  F: 13,
  G: 15,
  H: 17,
  I: 19,
  J: 21,
  K: 2,
  L: 4,
  M: 18,
  N: 20,
  O: 11,
  P: 3,
  Q: 6,
  R: 8,
  S: 12,
  T: 14,
  U: 16,
  V: 10,
  W: 22,
  X: 25,
  Y: 24,
  Z: 23,
};

/** Italian codice fiscale: the 16th letter is a weighted sum (odd/even position tables) mod 26. */
function cfValid(v: string): boolean {
  const c = v.toUpperCase();
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const ch = c[i] ?? '';
    if (i % 2 === 0) sum += CF_ODD[ch] ?? 0;
    else sum += /\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 65;
  }
  return String.fromCharCode(65 + (sum % 26)) === c[15];
}

/** Finnish HETU: check character = "0123456789ABCDEFHJKLMNPRSTUVWXY"[ddmmyynnn mod 31]. */
function hetuValid(v: string): boolean {
  const c = v.toUpperCase();
  const n = Number(c.slice(0, 6) + c.slice(7, 10));
  return '0123456789ABCDEFHJKLMNPRSTUVWXY'[n % 31] === c[10] && validDate(c.slice(0, 2), c.slice(2, 4));
}

function validDate(dd: string, mm: string): boolean {
  const d = Number(dd);
  const m = Number(mm);
  return d >= 1 && d <= 31 && m >= 1 && m <= 12;
}

/** Dutch BSN: the "11-proof", 9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11. */
function bsnValid(v: string): boolean {
  const d = digitsOf(v);
  return d.length === 9 && d !== '000000000' && ((weightedSum(d, [9, 8, 7, 6, 5, 4, 3, 2, -1]) % 11) + 11) % 11 === 0;
}

/** Polish PESEL: weights 1,3,7,9,... and a month field that encodes the century. */
function peselValid(v: string): boolean {
  const d = digitsOf(v);
  if (d.length !== 11) return false;
  const month = Number(d.slice(2, 4)) % 20;
  if (month < 1 || month > 12 || Number(d.slice(4, 6)) < 1 || Number(d.slice(4, 6)) > 31) return false;
  return (10 - (weightedSum(d, [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]) % 10)) % 10 === Number(d[10]);
}

/** Swedish personnummer: Luhn over the 10-digit YYMMDDNNNC form. */
function pnrValid(v: string): boolean {
  const d = digitsOf(v);
  const ten = d.length === 12 ? d.slice(2) : d;
  return ten.length === 10 && validDate(ten.slice(4, 6), ten.slice(2, 4)) && luhnValid(ten);
}

/** Belgian national register number: 97 - (first 9 digits mod 97), with a leading 2 for births from 2000. */
function beValid(v: string): boolean {
  const d = digitsOf(v);
  if (d.length !== 11) return false;
  const check = Number(d.slice(9));
  return 97 - modDecimal(d.slice(0, 9), 97) === check || 97 - modDecimal(`2${d.slice(0, 9)}`, 97) === check;
}

export const NATIONAL_IDS: readonly Recogniser[] = [
  { category: 'national-id', type: 'us-ssn', pattern: /(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])/g, minDigits: 9, validate: ssnValid },
  { category: 'national-id', type: 'us-ssn', pattern: /(?<![\d-])\d{9}(?![\d-])/g, minDigits: 9, validate: ssnValid, context: /\b(?:ssn|social security)\b/i },
  {
    category: 'national-id',
    type: 'uk-nino',
    pattern: /(?<![A-Za-z0-9])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])/g,
    minDigits: 6,
    validate: ninoValid,
  },
  { category: 'national-id', type: 'es-dni', pattern: /(?<![A-Za-z0-9])(?:\d{8}|[XYZ]\d{7})-?[A-Z](?![A-Za-z0-9])/g, minDigits: 7, validate: dniValid },
  {
    category: 'national-id',
    type: 'fr-nir',
    pattern: /(?<![\d])[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}(?!\d)/g,
    minDigits: 12,
    validate: nirValid,
  },
  {
    category: 'national-id',
    type: 'it-cf',
    pattern: /(?<![A-Za-z0-9])[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z](?![A-Za-z0-9])/g,
    minDigits: 7,
    validate: cfValid,
  },
  {
    category: 'national-id',
    type: 'fi-hetu',
    pattern: /(?<![A-Za-z0-9])\d{6}[-+A-FU-Y]\d{3}[0-9A-FHJ-NPR-Y](?![A-Za-z0-9])/g,
    minDigits: 9,
    validate: hetuValid,
  },
  {
    category: 'national-id',
    type: 'nl-bsn',
    pattern: /(?<![\d.-])\d{4}\.?\d{2}\.?\d{3}(?![\d-]|\.\d)/g,
    minDigits: 9,
    validate: bsnValid,
    context: /\b(?:bsn|burgerservicenummer|sofinummer)\b/i,
  },
  { category: 'national-id', type: 'pl-pesel', pattern: /(?<!\d)\d{11}(?!\d)/g, minDigits: 11, validate: peselValid, context: /\bpesel\b/i },
  {
    category: 'national-id',
    type: 'se-pnr',
    pattern: /(?<![\d-])(?:\d{2})?\d{6}[-+]?\d{4}(?![\d-])/g,
    minDigits: 10,
    validate: pnrValid,
    context: /\b(?:personnummer|personal identity number|pnr)\b/i,
  },
  {
    category: 'national-id',
    type: 'be-nrn',
    pattern: /(?<![\d.-])\d{2}\.?\d{2}\.?\d{2}-?\d{3}\.?\d{2}(?![\d-]|\.\d)/g,
    minDigits: 11,
    validate: beValid,
    context: /\b(?:rijksregisternummer|numéro national|national (?:register )?number|insz|niss)\b/i,
  },
];
