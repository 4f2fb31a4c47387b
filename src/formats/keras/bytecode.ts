/**
 * What Keras' `func_load` would turn into a Python function, inspected as
 * bytes and never run.
 *
 * `func_load(code)` (Keras 2 `generic_utils`, Keras 3 `python_utils`)
 * decodes `code` with `codecs.decode(code.encode("ascii"), "base64")`,
 * falls back to `code.encode("raw_unicode_escape")` when that raises, and
 * hands the bytes to `marshal.loads`, then `types.FunctionType`. Only a
 * marshaled code object (type byte `c`, 0x63, or 0xe3 with the reference
 * flag) survives that; anything else makes the load fail.
 *
 * The decoders below reproduce CPython's non-strict `binascii.a2b_base64`
 * and `raw_unicode_escape` so the bytes inspected are the bytes Python
 * would unmarshal, whichever encoding an attacker picked.
 */
import { byteAt, u32leAt } from '../../bytes/at.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;

/** Characters of a bytecode string decoded (CWE-400; real lambdas are a few kilobytes). */
export const MAX_BYTECODE_CHARS = 16 * 1024 * 1024;

/**
 * CPython's `binascii.a2b_base64(s)` in non-strict mode: characters outside
 * the alphabet are skipped, a complete pad sequence ends the input, and a
 * dangling quantum is an error (undefined). `s` must be ASCII.
 */
export function pythonBase64Decode(s: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((s.length * 3) / 4) + 3);
  let n = 0;
  let quad = 0;
  let pads = 0;
  let acc = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3d) {
      if (quad >= 2 && quad + ++pads >= 4) return out.slice(0, n);
      continue;
    }
    const v = c < 128 ? (B64_VALUE[c] as number) : -1;
    if (v < 0) continue;
    pads = 0;
    switch (quad) {
      case 0:
        acc = v;
        break;
      case 1:
        out[n++] = (acc << 2) | (v >> 4);
        acc = v & 0x0f;
        break;
      case 2:
        out[n++] = (acc << 4) | (v >> 2);
        acc = v & 0x03;
        break;
      default:
        out[n++] = (acc << 6) | v;
        break;
    }
    quad = (quad + 1) & 3;
  }
  return quad === 0 ? out.slice(0, n) : undefined;
}

/** Python's `str.encode("raw_unicode_escape")`: code points under 256 as bytes, others as `\uXXXX`/`\UXXXXXXXX`. */
export function rawUnicodeEscape(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x100) {
      out.push(cp);
    } else {
      const esc = cp < 0x10000 ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`;
      for (let i = 0; i < esc.length; i++) out.push(esc.charCodeAt(i));
    }
  }
  return Uint8Array.from(out);
}

/** The bytes `func_load` hands to `marshal.loads` for the string `code`. */
export function funcLoadBytes(code: string): { bytes: Uint8Array; encoding: 'base64' | 'raw' } {
  // code.encode("ascii") raises UnicodeEncodeError on any non-ASCII character.
  // eslint-disable-next-line no-control-regex
  const ascii = /^[\x00-\x7f]*$/.test(code);
  const decoded = ascii ? pythonBase64Decode(code) : undefined;
  if (decoded !== undefined) return { bytes: decoded, encoding: 'base64' };
  return { bytes: rawUnicodeEscape(code), encoding: 'raw' };
}

export interface MarshalSummary {
  /** The first byte is a marshaled code object (`c`, with or without the reference flag). */
  isCode: boolean;
  /** Printable strings found in the marshal stream (names, constants), deduplicated, in order. */
  strings: string[];
}

/** Strings kept from one code object (the message lists them). */
const MAX_STRINGS = 64;
/** Longest string kept, in bytes. */
const MAX_STRING_BYTES = 200;

/** Marshal type codes of string objects (`FLAG_REF`, 0x80, may be set on each). */
const SHORT_STRINGS = new Set([0x7a, 0x5a]); // z Z: 1-byte length
const LONG_STRINGS = new Set([0x61, 0x41, 0x75, 0x74, 0x73]); // a A u t s: 4-byte length

function printable(b: Uint8Array): string | undefined {
  let s = '';
  for (const c of b) {
    if (c < 0x20 || c > 0x7e) return undefined;
    s += String.fromCharCode(c);
  }
  return s;
}

/**
 * Summarises a marshal stream without unmarshalling it: the code-object
 * check the loader depends on, and the string objects it holds (found by a
 * scan over type codes, so a few false strings are possible). The strings
 * explain a finding; they never decide the verdict.
 */
export function summarizeMarshal(bytes: Uint8Array): MarshalSummary {
  const first = bytes[0];
  const isCode = first !== undefined && (first & 0x7f) === 0x63;
  const seen = new Set<string>();
  for (let i = 0; i < bytes.length && seen.size < MAX_STRINGS; i++) {
    const t = byteAt(bytes, i) & 0x7f;
    let len: number | undefined;
    let start = 0;
    if (SHORT_STRINGS.has(t) && i + 1 < bytes.length) {
      len = bytes[i + 1];
      start = i + 2;
    } else if (LONG_STRINGS.has(t) && i + 4 < bytes.length) {
      len = u32leAt(bytes, i + 1) | 0;
      start = i + 5;
    }
    if (len === undefined || len < 2 || len > MAX_STRING_BYTES || len > bytes.length - start) continue;
    const s = printable(bytes.subarray(start, start + len));
    if (s === undefined) continue;
    seen.add(s);
    i = start + len - 1;
  }
  return { isCode, strings: [...seen] };
}

/** Names whose presence in a lambda's constants or names says what it reaches. */
const TELLING =
  /^(os|sys|subprocess|system|popen|Popen|exec|eval|compile|__import__|import_module|builtins|__builtins__|open|socket|urllib|requests|http|getattr|setattr|globals|marshal|pickle|ctypes|shutil|pty|spawn\w*|exec\w+|run|call|check_output|remove|unlink|rmtree)$/;

/** The subset of `strings` that names modules or calls reaching the system. */
export function tellingNames(strings: readonly string[]): string[] {
  return strings.filter((s) => TELLING.test(s));
}
