/**
 * Untrusted names shown as text. A file name may hold a newline (forging a
 * report line such as `CLEAN`), an ANSI escape (recolouring or erasing the
 * terminal) or bytes that are not UTF-8.
 *
 * - `nameFromBytes` turns name bytes into a string without losing any: bytes
 *   that are not valid UTF-8 become U+DC80..U+DCFF (Python's
 *   surrogateescape), so two different names never print the same.
 * - `escapeName` shows every C0/C1 control character, DEL, the backslash,
 *   the bidirectional overrides and those escaped bytes as escapes (`\n`,
 *   `\x1b`, `\xff`); printable text, non-ASCII letters included, is kept.
 * - `escapeControls` does the same for free text (messages) but leaves
 *   backslashes alone, since messages use them in their own quoting.
 */
import { byteAt } from './at.js';

/** Bidirectional controls that can reorder what is shown (CVE-2021-42574, "Trojan Source"). */
const BIDI = new Set([0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function needsEscape(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c < 0xa0) || BIDI.has(c) || (c >= 0xd800 && c <= 0xdfff);
}

function escapeText(s: string, backslash: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      out += s.slice(i, i + 2); // a well-formed pair: an astral character
      i++;
    } else if (c >= 0xdc80 && c <= 0xdcff) out += `\\x${hex2(c - 0xdc00)}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += `\\u${c.toString(16)}`;
    else if (c === 0x5c) out += backslash ? '\\\\' : '\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${hex2(c)}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\u00${hex2(c)}`;
    else if (BIDI.has(c)) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += s.charAt(i);
  }
  return out;
}

/** Escapes `s` so it shows on one line exactly what its bytes are (a backslash is doubled). */
export function escapeName(s: string): string {
  return escapeText(s, true);
}

/** Escapes control characters, bidirectional overrides and stray surrogates in free text; backslashes kept. */
export function escapeControls(s: string): string {
  for (let i = 0; i < s.length; i++) if (needsEscape(s.charCodeAt(i))) return escapeText(s, false);
  return s;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The name whose bytes are `bytes`: UTF-8 as is; every byte outside a valid
 * UTF-8 sequence becomes U+DC00+byte (shown as `\xNN` by `escapeName`).
 */
export function nameFromBytes(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    // not all UTF-8: decode sequence by sequence below
  }
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = byteAt(bytes, i);
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len > 0 && i + len <= bytes.length) {
      try {
        out += UTF8.decode(bytes.subarray(i, i + len));
        i += len;
        continue;
      } catch {
        // not a valid sequence: one escaped byte
      }
    }
    out += String.fromCharCode(0xdc00 + b);
    i++;
  }
  return out;
}

/** True if `name` holds bytes that were not UTF-8 (see `nameFromBytes`). */
export function hasEscapedBytes(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0xdc80 && c <= 0xdcff && (i === 0 || (name.charCodeAt(i - 1) & 0xfc00) !== 0xd800)) return true;
  }
  return false;
}
