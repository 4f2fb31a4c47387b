/**
 * Bytes to text the way Python's `json.loads(bytes)` does it: the encoding
 * is detected from a BOM or the pattern of zero bytes (UTF-8, UTF-16,
 * UTF-32, either byte order) and decoded with `surrogatepass`. Keras reads
 * config.json as bytes, so a UTF-16 config loads; a scanner that insisted
 * on UTF-8 would miss it.
 */
import { ModelguardError } from '../../errors.js';

type Encoding = 'utf-8' | 'utf-8-sig' | 'utf-16' | 'utf-16-be' | 'utf-16-le' | 'utf-32' | 'utf-32-be' | 'utf-32-le';

/** Python's `json.detect_encoding`. */
export function detectEncoding(b: Uint8Array): Encoding {
  const at = (i: number): number => b[i] ?? -1;
  if ((at(0) === 0 && at(1) === 0 && at(2) === 0xfe && at(3) === 0xff) || (at(0) === 0xff && at(1) === 0xfe && at(2) === 0 && at(3) === 0)) {
    return 'utf-32';
  }
  if ((at(0) === 0xfe && at(1) === 0xff) || (at(0) === 0xff && at(1) === 0xfe)) return 'utf-16';
  if (at(0) === 0xef && at(1) === 0xbb && at(2) === 0xbf) return 'utf-8-sig';
  if (b.length >= 4) {
    if (at(0) === 0) return at(1) !== 0 ? 'utf-16-be' : 'utf-32-be';
    if (at(1) === 0) return at(2) !== 0 || at(3) !== 0 ? 'utf-16-le' : 'utf-32-le';
  } else if (b.length === 2) {
    if (at(0) === 0) return 'utf-16-be';
    if (at(1) === 0) return 'utf-16-le';
  }
  return 'utf-8';
}

function bad(what: string, enc: string, offset: number): never {
  throw new ModelguardError('E_MALFORMED', `${what} is not valid ${enc} at byte ${offset}`, { offset });
}

/** UTF-8 with `surrogatepass`: encoded surrogates (ED A0..BF xx) are accepted as code units. */
function utf8(b: Uint8Array, start: number, what: string): string {
  const parts: string[] = [];
  let units: number[] = [];
  const flush = (): void => {
    parts.push(String.fromCharCode(...units));
    units = [];
  };
  let i = start;
  while (i < b.length) {
    const c = b[i] as number;
    let cp: number;
    let n: number;
    if (c < 0x80) {
      cp = c;
      n = 1;
    } else if (c >= 0xc2 && c < 0xe0) {
      cp = c & 0x1f;
      n = 2;
    } else if (c >= 0xe0 && c < 0xf0) {
      cp = c & 0x0f;
      n = 3;
    } else if (c >= 0xf0 && c < 0xf5) {
      cp = c & 0x07;
      n = 4;
    } else {
      return bad(what, 'UTF-8', i);
    }
    if (i + n > b.length) bad(what, 'UTF-8', i);
    for (let k = 1; k < n; k++) {
      const cc = b[i + k] as number;
      if ((cc & 0xc0) !== 0x80) bad(what, 'UTF-8', i);
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((n === 3 && cp < 0x800) || (n === 4 && (cp < 0x10000 || cp > 0x10ffff))) bad(what, 'UTF-8', i);
    if (cp >= 0x10000) {
      units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    } else {
      units.push(cp);
    }
    if (units.length >= 8192) flush();
    i += n;
  }
  flush();
  return parts.join('');
}

function utf16(b: Uint8Array, start: number, little: boolean, what: string): string {
  if ((b.length - start) % 2 !== 0) bad(what, 'UTF-16', b.length - 1);
  const parts: string[] = [];
  for (let i = start; i < b.length; i += 16384) {
    const units: number[] = [];
    for (let k = i; k < Math.min(b.length, i + 16384); k += 2) {
      const lo = b[k] as number;
      const hi = b[k + 1] as number;
      units.push(little ? lo | (hi << 8) : (lo << 8) | hi);
    }
    parts.push(String.fromCharCode(...units));
  }
  return parts.join('');
}

function utf32(b: Uint8Array, start: number, little: boolean, what: string): string {
  if ((b.length - start) % 4 !== 0) bad(what, 'UTF-32', b.length - 1);
  const parts: string[] = [];
  for (let i = start; i < b.length; i += 4) {
    const [x0, x1, x2, x3] = [b[i] as number, b[i + 1] as number, b[i + 2] as number, b[i + 3] as number];
    const cp = little ? (x0 | (x1 << 8) | (x2 << 16)) + x3 * 0x1000000 : (x3 | (x2 << 8) | (x1 << 16)) + x0 * 0x1000000;
    if (cp > 0x10ffff) bad(what, 'UTF-32', i);
    parts.push(String.fromCodePoint(cp));
  }
  return parts.join('');
}

/** Decodes JSON bytes as `json.loads` would; throws `E_MALFORMED` where Python raises. */
export function decodeJsonBytes(b: Uint8Array, what: string): string {
  const enc = detectEncoding(b);
  switch (enc) {
    case 'utf-8':
      return utf8(b, 0, what);
    case 'utf-8-sig':
      return utf8(b, 3, what);
    case 'utf-16':
      return utf16(b, 2, b[0] === 0xff, what);
    case 'utf-16-be':
      return utf16(b, 0, false, what);
    case 'utf-16-le':
      return utf16(b, 0, true, what);
    case 'utf-32':
      return utf32(b, 4, b[0] === 0xff, what);
    case 'utf-32-be':
      return utf32(b, 0, false, what);
    case 'utf-32-le':
      return utf32(b, 0, true, what);
  }
}
