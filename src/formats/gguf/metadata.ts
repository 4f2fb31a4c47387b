/**
 * GGUF header and metadata key-values, read with bounds checked against the
 * real file before anything is allocated.
 *
 * Every declared count and length is compared with the bytes that remain
 * (a count of N entries needs at least N times the smallest entry): the
 * Cisco Talos GGUF reports (TALOS-2024-1912..1916) were all heap overflows
 * from trusting these fields. Violations throw `E_MALFORMED`/`E_TRUNCATED`
 * with the offset; the scanner turns them into `gguf/malformed` findings.
 */
import { ModelguardError } from '../../errors.js';
import type { WindowCursor } from '../../bytes/window.js';
import { GGUF_MAGIC, VALUE_SIZE, VALUE_TYPE } from './types.js';

export interface GgufHeader {
  version: number;
  littleEndian: boolean;
  tensorCount: number;
  kvCount: number;
}

/** A string value worth keeping (templates, `general.*`), with where it was. */
export interface GgufString {
  key: string;
  value: string;
  offset: number;
  /** Index when the string was an array element. */
  index?: number;
}

export interface GgufMetadata {
  /** Scalar values by key (first occurrence); strings only when short or wanted. */
  scalars: Map<string, string | number | bigint | boolean>;
  /** Every string the caller asked to keep, in file order (duplicates included). */
  strings: GgufString[];
  /** Strings longer than `maxKeptString` that were skipped, by key. */
  skipped: string[];
  duplicates: { key: string; offset: number }[];
}

export interface MetadataOptions {
  /** Longest string value read into memory; longer ones are skipped (and listed). */
  maxKeptString: number;
  /** Entry limit for counts (kv count, array length). */
  maxEntries: number;
  /** Whether to keep this string value (scalar or array element) for analysis. */
  keep(key: string, inArray: boolean): boolean;
}

/** Nested ARRAY-of-ARRAY depth (CWE-674); llama.cpp itself rejects nested arrays. */
const MAX_ARRAY_DEPTH = 4;
/** Longest key: the spec caps keys at 65535 bytes. */
const MAX_KEY_BYTES = 65_535;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function malformed(message: string, offset: number): never {
  throw new ModelguardError('E_MALFORMED', message, { offset });
}

/**
 * A u64 count or length. Values above 2^53 exceed any real file, so they are
 * malformed (not a resource limit): the caller compares smaller ones with the
 * bytes left.
 */
export function u64size(cur: WindowCursor, what: string): number {
  const at = cur.pos;
  const v = cur.u64(what);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) malformed(`${what} ${v} at offset ${at} exceeds the file`, at);
  return Number(v);
}

export function readHeader(cur: WindowCursor): GgufHeader {
  if (cur.u32('magic') !== GGUF_MAGIC) malformed('missing GGUF magic', 0);
  const raw = cur.u32('version');
  let littleEndian = true;
  let version = raw;
  if (raw < 1 || raw > 3) {
    const swapped = ((raw & 0xff) << 24) | ((raw & 0xff00) << 8) | ((raw >>> 8) & 0xff00) | (raw >>> 24);
    if (swapped >= 1 && swapped <= 3) {
      littleEndian = false;
      version = swapped;
    } else {
      throw new ModelguardError('E_UNSUPPORTED', `GGUF version ${raw} is not 1, 2 or 3`, { offset: 4 });
    }
  }
  cur.littleEndian = littleEndian;
  const count = (what: string): number => (version === 1 ? cur.u32(what) : u64size(cur, what));
  const tensorCount = count('tensor_count');
  const kvCount = count('metadata_kv_count');
  return { version, littleEndian, tensorCount, kvCount };
}

/** Reads a GGUF string's length and checks it against the bytes left; returns the length. */
export function stringLength(cur: WindowCursor, version: number, what: string): number {
  const at = cur.pos;
  const n = version === 1 ? cur.u32(what) : u64size(cur, what);
  if (n > cur.remaining) malformed(`${what}: length ${n} at offset ${at} runs past the end of the file`, at);
  return n;
}

export function readString(cur: WindowCursor, version: number, what: string): string {
  const n = stringLength(cur, version, what);
  const at = cur.pos;
  try {
    return utf8.decode(cur.bytes(n, what));
  } catch (e) {
    if (e instanceof ModelguardError) throw e;
    return malformed(`${what} at offset ${at} is not valid UTF-8`, at);
  }
}

/** Checks that `count` entries of at least `minBytes` each can fit before allocating or looping. */
export function checkCount(cur: WindowCursor, count: number, minBytes: number, limit: number, what: string): void {
  // Impossible counts first (malformed), then counts that fit but exceed the limit (unscannable).
  if (count * minBytes > cur.remaining) {
    malformed(`${what} ${count} cannot fit in the ${cur.remaining} bytes left (at offset ${cur.pos})`, cur.pos);
  }
  if (count > limit) {
    throw new ModelguardError('E_LIMIT', `${what} ${count} exceeds the limit of ${limit}`, { offset: cur.pos });
  }
}

/**
 * Reads all key-values. Kept strings are appended to `strings` as they are
 * read, so a caller still has them when a later entry throws.
 */
export function readMetadata(cur: WindowCursor, header: GgufHeader, opts: MetadataOptions, strings: GgufString[] = []): GgufMetadata {
  const v = header.version;
  const lenBytes = v === 1 ? 4 : 8;
  const meta: GgufMetadata = { scalars: new Map(), strings, skipped: [], duplicates: [] };
  // Smallest KV: key length + empty key + type + a 1-byte value.
  checkCount(cur, header.kvCount, lenBytes + 4 + 1, opts.maxEntries, 'metadata_kv_count');
  for (let i = 0; i < header.kvCount; i++) {
    const keyAt = cur.pos;
    const keyLen = stringLength(cur, v, 'metadata key');
    if (keyLen > MAX_KEY_BYTES) malformed(`metadata key of ${keyLen} bytes at offset ${keyAt} exceeds 65535`, keyAt);
    cur.seek(keyAt);
    const key = readString(cur, v, 'metadata key');
    const duplicate = meta.scalars.has(key);
    if (duplicate) meta.duplicates.push({ key, offset: keyAt });
    const type = cur.u32('metadata value type');
    const value = readValue(cur, v, type, key, opts, meta, 0);
    if (!duplicate) meta.scalars.set(key, value ?? '');
  }
  return meta;
}

function readValue(
  cur: WindowCursor,
  v: number,
  type: number,
  key: string,
  opts: MetadataOptions,
  meta: GgufMetadata,
  depth: number,
): string | number | bigint | boolean | undefined {
  const at = cur.pos;
  switch (type) {
    case VALUE_TYPE.UINT8:
      return cur.u8();
    case VALUE_TYPE.INT8:
      return (cur.u8() << 24) >> 24;
    case VALUE_TYPE.UINT16:
      return cur.u16();
    case VALUE_TYPE.INT16:
      return (cur.u16() << 16) >> 16;
    case VALUE_TYPE.UINT32:
      return cur.u32();
    case VALUE_TYPE.INT32:
      return cur.i32();
    case VALUE_TYPE.FLOAT32:
    case VALUE_TYPE.FLOAT64:
      cur.skip(type === VALUE_TYPE.FLOAT32 ? 4 : 8, 'float');
      return undefined;
    case VALUE_TYPE.BOOL: {
      const b = cur.u8('bool');
      if (b > 1) malformed(`bool value ${b} for ${key} at offset ${at}`, at);
      return b === 1;
    }
    case VALUE_TYPE.UINT64:
      return cur.u64();
    case VALUE_TYPE.INT64:
      return cur.i64();
    case VALUE_TYPE.STRING:
      return stringValue(cur, v, key, opts, meta, false, undefined);
    case VALUE_TYPE.ARRAY:
      readArray(cur, v, key, opts, meta, depth + 1);
      return undefined;
    default:
      return malformed(`unknown metadata value type ${type} for ${key} at offset ${at}`, at);
  }
}

function stringValue(
  cur: WindowCursor,
  v: number,
  key: string,
  opts: MetadataOptions,
  meta: GgufMetadata,
  inArray: boolean,
  index: number | undefined,
): string | undefined {
  const lenAt = cur.pos;
  const n = stringLength(cur, v, `string value of ${key}`);
  if (!opts.keep(key, inArray)) {
    cur.skip(n);
    return undefined;
  }
  if (n > opts.maxKeptString) {
    meta.skipped.push(key);
    cur.skip(n);
    return undefined;
  }
  cur.seek(lenAt);
  const at = cur.pos + (v === 1 ? 4 : 8);
  const value = readString(cur, v, `string value of ${key}`);
  meta.strings.push(index === undefined ? { key, value, offset: at } : { key, value, offset: at, index });
  return value;
}

function readArray(cur: WindowCursor, v: number, key: string, opts: MetadataOptions, meta: GgufMetadata, depth: number): void {
  const at = cur.pos;
  if (depth > MAX_ARRAY_DEPTH) malformed(`arrays nested deeper than ${MAX_ARRAY_DEPTH} in ${key} at offset ${at}`, at);
  const type = cur.u32('array element type');
  const n = v === 1 ? cur.u32('array length') : u64size(cur, 'array length');
  const fixed = VALUE_SIZE.get(type);
  if (fixed !== undefined) {
    if (n > Math.floor(cur.remaining / fixed)) {
      malformed(`array ${key} of ${n} x ${fixed}-byte values at offset ${at} runs past the end of the file`, at);
    }
    cur.skip(n * fixed, `array ${key}`);
    return;
  }
  if (type === VALUE_TYPE.STRING) {
    // Vocabularies hold hundreds of thousands of strings: walk them, keep only what is asked for.
    checkCount(cur, n, v === 1 ? 4 : 8, Number.MAX_SAFE_INTEGER, `array ${key} length`);
    for (let i = 0; i < n; i++) stringValue(cur, v, key, opts, meta, true, i);
    return;
  }
  if (type === VALUE_TYPE.ARRAY) {
    checkCount(cur, n, 4 + (v === 1 ? 4 : 8), opts.maxEntries, `array ${key} length`);
    for (let i = 0; i < n; i++) readArray(cur, v, key, opts, meta, depth + 1);
    return;
  }
  malformed(`unknown array element type ${type} for ${key} at offset ${at}`, at);
}
