/** Check-digit algorithms used by card numbers, IBANs and national identifiers. */

/** Luhn (ISO/IEC 7812-1): payment cards, Swedish personnummer. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** `n mod m` for a long decimal string, without big integers. */
export function modDecimal(digits: string, m: number): number {
  let r = 0;
  for (let i = 0; i < digits.length; i++) r = (r * 10 + (digits.charCodeAt(i) - 48)) % m;
  return r;
}

/** ISO 13616 / ISO 7064 MOD 97-10: move the first four characters to the end, letters to 10..35, remainder 1. */
export function ibanMod97Valid(iban: string): boolean {
  const moved = iban.slice(4) + iban.slice(0, 4);
  let digits = '';
  for (const ch of moved) {
    const c = ch.charCodeAt(0);
    if (c >= 48 && c <= 57) digits += ch;
    else if (c >= 65 && c <= 90) digits += String(c - 55);
    else return false;
  }
  return modDecimal(digits, 97) === 1;
}

/** Weighted digit sum. */
export function weightedSum(digits: string, weights: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < weights.length; i++) s += (digits.charCodeAt(i) - 48) * (weights[i] ?? 0);
  return s;
}
