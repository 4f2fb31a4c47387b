/** Strict text decoding helpers shared by the parsers. */
import { ModelguardError } from '../errors.js';

const utf8Fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 decode that throws `E_MALFORMED` on invalid sequences instead of replacing them. */
export function utf8Strict(bytes: Uint8Array, what = 'text', offset?: number): string {
  try {
    return utf8Fatal.decode(bytes);
  } catch (e) {
    throw new ModelguardError('E_MALFORMED', `${what} is not valid UTF-8`, {
      ...(offset === undefined ? {} : { offset }),
      cause: e,
    });
  }
}

/** Byte-for-character decode (never fails); for identifiers that must be compared exactly. */
export function latin1Decode(bytes: Uint8Array): string {
  // TextDecoder('latin1') is windows-1252 per the WHATWG spec; map bytes directly instead.
  let s = '';
  if (bytes.length <= 64) {
    // Member names and identifiers: a plain loop beats spreading into fromCharCode.
    for (const b of bytes) s += String.fromCharCode(b);
    return s;
  }
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}

/** Quotes a string for messages: printable ASCII as is, the rest escaped, long strings cut. */
export function quote(s: string, max = 120): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  const json = JSON.stringify(cut);
  return s.length > max ? `${json}…(${s.length} chars)` : json;
}
