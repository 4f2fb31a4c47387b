/**
 * The one safetensors header reader, for the scanner, the converter and the
 * tests: the 8-byte little-endian length (checked against the crate's cap
 * and the file size before anything is allocated), the header bytes
 * (UTF-8, starting with `{`), the strict JSON tree (`bytes/strict-json.ts`,
 * duplicates kept so they can be reported) and every layout rule
 * (`header.ts`). The scanner reports every issue; the converter refuses
 * the file at the first.
 */
import { byteAt } from '../../bytes/at.js';
import type { ByteSource } from '../../bytes/source.js';
import { ByteReader } from '../../bytes/reader.js';
import { parseJsonTree } from '../../bytes/strict-json.js';
import { ModelguardError } from '../../errors.js';
import { validateHeader, type HeaderSummary } from './header.js';

/** Largest header the crate reads (`MAX_HEADER_SIZE` in tensor.rs), checked before anything is allocated (CWE-789). */
export const MAX_HEADER_BYTES = 100_000_000;

/** The 8-byte length and the header bytes, or the first way they break the format. */
export type HeaderBytes =
  { ok: true; length: number; json: Uint8Array } | { ok: false; code: 'E_TRUNCATED' | 'E_LIMIT' | 'E_MALFORMED'; message: string; offset: number };

/** Reads the header length and the header (only those bytes); `cap` is the largest header accepted. */
export function headerBytes(src: ByteSource, cap = MAX_HEADER_BYTES): HeaderBytes {
  if (src.size < 8) return { ok: false, code: 'E_TRUNCATED', message: `${src.size} bytes: shorter than the 8-byte header length`, offset: 0 };
  const n = new ByteReader(src.read(0, 8)).u64le('header length');
  if (n > BigInt(cap)) {
    return { ok: false, code: 'E_LIMIT', message: `header length ${n} exceeds the ${cap}-byte limit (the crate rejects it as HeaderTooLarge)`, offset: 0 };
  }
  const length = Number(n);
  if (length > src.size - 8) {
    return { ok: false, code: 'E_TRUNCATED', message: `header length ${length} runs past the end of the file (${src.size} bytes)`, offset: 0 };
  }
  const json = src.read(8, length);
  if (json[0] !== 0x7b)
    return { ok: false, code: 'E_MALFORMED', message: "header does not start with '{' (the crate rejects it as InvalidHeaderStart)", offset: 8 };
  return { ok: true, length, json };
}

/** Bounds on the header's JSON (CWE-674, CWE-770). */
export interface HeaderLimits {
  maxJsonDepth: number;
  maxHeaderEntries: number;
}

/**
 * Parses and validates header bytes read by `headerBytes`. Throws
 * `E_MALFORMED` (with the file offset) for invalid UTF-8 or JSON syntax and
 * `E_LIMIT` past `limits`; everything else that breaks the format is an
 * issue in the result.
 */
export function parseHeader(json: Uint8Array, fileSize: number, limits: HeaderLimits): HeaderSummary {
  const bad = firstInvalidUtf8(json);
  if (bad >= 0) {
    throw new ModelguardError('E_MALFORMED', `header is not valid UTF-8 (byte 0x${byteAt(json, bad, 8).toString(16)})`, { offset: 8 + bad });
  }
  const root = parseJsonTree(json, { maxDepth: limits.maxJsonDepth, maxValues: limits.maxHeaderEntries * 4, base: 8, what: 'JSON header' });
  const summary = validateHeader(root, 8, json.length, fileSize - 8 - json.length);
  if (summary.tensors.length > limits.maxHeaderEntries) {
    throw new ModelguardError('E_LIMIT', `${summary.tensors.length} tensors exceed maxHeaderEntries`, { offset: 8 });
  }
  return summary;
}

/** The one safetensors header reader: `headerBytes` then `parseHeader`, a broken length thrown with its code. */
export function readSafetensorsHeader(src: ByteSource, limits: HeaderLimits, cap = MAX_HEADER_BYTES): HeaderSummary & { headerLength: number } {
  const hb = headerBytes(src, cap);
  if (!hb.ok) throw new ModelguardError(hb.code, `safetensors: ${hb.message}`, { offset: hb.offset });
  return { ...parseHeader(hb.json, src.size, limits), headerLength: hb.length };
}

/** Index of the first byte of an invalid UTF-8 sequence (RFC 3629: no overlongs, surrogates or > U+10FFFF), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = byteAt(b, i);
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}
