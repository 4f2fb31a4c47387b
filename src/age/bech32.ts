/**
 * Bech32 (BIP 173, original checksum constant) as age uses it for keys:
 * `age1...` recipients in lower case, `AGE-SECRET-KEY-1...` identities in
 * upper case. Mixed case is rejected; unlike BIP 173 there is no 90-character
 * limit (post-quantum keys are longer), but we cap input at 8 KiB.
 */
import { fail } from './errors.js';

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
/** CWE-400: longest key string we look at. */
const MAX_LENGTH = 8192;

function polymod(values: number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    GEN.forEach((g, i) => {
      if ((top >>> i) & 1) chk ^= g;
    });
  }
  return chk >>> 0;
}

function hrpExpand(hrp: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) >>> 5);
  out.push(0);
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) & 31);
  return out;
}

function convertBits(data: Iterable<number>, from: number, to: number, pad: boolean): number[] | undefined {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const maxv = (1 << to) - 1;
  for (const v of data) {
    acc = (acc << from) | v;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >>> bits) & maxv);
    }
    acc &= (1 << bits) - 1;
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & maxv);
  } else if (bits >= from || ((acc << (to - bits)) & maxv) !== 0) {
    return undefined;
  }
  return out;
}

/** Encodes `data` under `hrp`; upper-cases the result if `upper`. */
export function bech32Encode(hrp: string, data: Uint8Array, upper = false): string {
  const lower = hrp.toLowerCase();
  const words = convertBits(data, 8, 5, true) as number[];
  const chk = polymod([...hrpExpand(lower), ...words, 0, 0, 0, 0, 0, 0]) ^ 1;
  let s = `${lower}1`;
  for (const w of words) s += CHARSET.charAt(w);
  for (let i = 0; i < 6; i++) s += CHARSET.charAt((chk >>> (5 * (5 - i))) & 31);
  return upper ? s.toUpperCase() : s;
}

/** Decodes a Bech32 string; throws `E_AGE_KEY` on any defect. The HRP is returned lower-cased. */
export function bech32Decode(s: string): { hrp: string; data: Uint8Array } {
  if (s.length > MAX_LENGTH) throw fail('E_AGE_KEY', 'key string too long');
  if (s !== s.toLowerCase() && s !== s.toUpperCase()) throw fail('E_AGE_KEY', 'mixed-case key string');
  const str = s.toLowerCase();
  const sep = str.lastIndexOf('1');
  if (sep < 1 || sep + 7 > str.length) throw fail('E_AGE_KEY', 'malformed key string');
  const hrp = str.slice(0, sep);
  for (let i = 0; i < hrp.length; i++) {
    const c = hrp.charCodeAt(i);
    if (c < 33 || c > 126) throw fail('E_AGE_KEY', 'invalid character in key prefix');
  }
  const words: number[] = [];
  for (const ch of str.slice(sep + 1)) {
    const v = CHARSET.indexOf(ch);
    if (v < 0) throw fail('E_AGE_KEY', 'invalid character in key string');
    words.push(v);
  }
  if (polymod([...hrpExpand(hrp), ...words]) !== 1) throw fail('E_AGE_KEY', 'bad key checksum (typo?)');
  const bytes = convertBits(words.slice(0, -6), 5, 8, false);
  if (bytes === undefined) throw fail('E_AGE_KEY', 'invalid key padding');
  return { hrp, data: Uint8Array.from(bytes) };
}
