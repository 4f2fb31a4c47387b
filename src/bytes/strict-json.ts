/**
 * The strict, bounded JSON reader for untrusted metadata: safetensors
 * headers, Keras configs, model-folder JSON.
 *
 * `JSON.parse` silently keeps the last of two duplicate keys and accepts
 * lone surrogates; serde_json (the safetensors crate) and Python's `json`
 * disagree on such inputs, which is exactly where a scanner and a loader
 * can be made to see different documents. So the reader parses RFC 8259
 * only and hands back a tree that keeps every object entry in order
 * (duplicates included) with its offset, and numbers as their source
 * text (`parseJsonTree`); `parseStrictJson` turns that tree into plain
 * values under a duplicate-key policy:
 *
 * - `error` (the default, safetensors' dialect): a duplicate key is
 *   malformed, numbers are non-negative integers under 2^53, lone
 *   surrogates are malformed, nesting past the bound is malformed;
 * - `last` (with `python: true`, what `json.loads` accepts: Keras configs):
 *   any number, `NaN`/`Infinity`/`-Infinity`, lone surrogates, the last of
 *   duplicate keys wins and every shadowed value goes to `onDuplicate`, so
 *   a scanner can still inspect what another parser would have kept.
 *
 * Depth and the number of values are bounded (CWE-674, CWE-400): `E_LIMIT`;
 * broken syntax: `E_MALFORMED`, with the offset (bytes for byte input,
 * UTF-16 code units for string input).
 */
import { ModelguardError } from '../errors.js';

export type JsonValue = JsonObject | JsonArray | JsonString | JsonNumber | JsonLiteral;

export interface JsonEntry {
  key: string;
  value: JsonValue;
  /** Offset of the key's opening quote in the input. */
  offset: number;
}
export interface JsonObject {
  kind: 'object';
  entries: JsonEntry[];
  offset: number;
}
export interface JsonArray {
  kind: 'array';
  items: JsonValue[];
  offset: number;
}
export interface JsonString {
  kind: 'string';
  value: string;
  offset: number;
}
export interface JsonNumber {
  kind: 'number';
  /** Source text, e.g. `12`, `-0.5e3`, and with `python`, `NaN`, `Infinity`, `-Infinity`. */
  text: string;
  offset: number;
}
export interface JsonLiteral {
  kind: 'true' | 'false' | 'null';
  offset: number;
}

export interface JsonTreeOptions {
  /** Nesting of arrays and objects accepted (CWE-674). */
  maxDepth: number;
  /** Values (scalars, arrays, objects) accepted in the document (CWE-770). */
  maxValues: number;
  /** Accept what Python's `json.loads` accepts: `NaN`, the infinities, lone surrogate escapes. */
  python?: boolean;
  /** Added to offsets in errors (the header's place in its file). */
  base?: number;
  /** Prefix of error messages (default `JSON`). */
  what?: string;
  /** Code for nesting past `maxDepth` (default `E_LIMIT`). */
  depthError?: 'E_LIMIT' | 'E_MALFORMED';
}

/** Longest number `python` accepts (CPython refuses int strings past 4300 digits; configs never come close). */
const MAX_PYTHON_NUMBER = 400;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses one JSON document followed only by whitespace into a positioned tree. */
export function parseJsonTree(input: Uint8Array | string, options: JsonTreeOptions): JsonValue {
  return new Parser(input, options).document();
}

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export interface StrictJsonOptions {
  /** Nesting accepted (default 16, enough for a safetensors header). */
  maxDepth?: number;
  /** Values accepted in the document (default unbounded). */
  maxValues?: number;
  /** Accept what Python's `json.loads` accepts (see the module comment); implies `duplicates: 'last'`. */
  python?: boolean;
  /** What a repeated key does: `error` (default) or `last` (the later value wins). */
  duplicates?: 'error' | 'last';
  /** With `duplicates: 'last'`: called for every value a later duplicate key replaces. */
  onDuplicate?: (key: string, shadowed: Json) => void;
  /** Prefix of error messages (default `header JSON`). */
  what?: string;
}

/** Default nesting for headers (they need 3 levels; CWE-674). */
const DEFAULT_DEPTH = 16;

/** Parses a JSON document into plain values under a duplicate-key policy (see the module comment). */
export function parseStrictJson(input: string | Uint8Array, options: StrictJsonOptions = {}): Json {
  const python = options.python === true;
  const what = options.what ?? 'header JSON';
  const tree = parseJsonTree(input, {
    maxDepth: options.maxDepth ?? DEFAULT_DEPTH,
    maxValues: options.maxValues ?? Number.POSITIVE_INFINITY,
    python,
    what,
    depthError: python ? 'E_LIMIT' : 'E_MALFORMED',
  });
  const duplicates = options.duplicates ?? (python ? 'last' : 'error');
  return plain(tree, { python, what, duplicates, onDuplicate: options.onDuplicate });
}

interface PlainOptions {
  python: boolean;
  what: string;
  duplicates: 'error' | 'last';
  onDuplicate: ((key: string, shadowed: Json) => void) | undefined;
}

function plain(v: JsonValue, o: PlainOptions): Json {
  switch (v.kind) {
    case 'object': {
      const out: Record<string, Json> = Object.create(null) as Record<string, Json>;
      for (const e of v.entries) {
        const value = plain(e.value, o);
        const shadowed = Object.hasOwn(out, e.key) ? out[e.key] : undefined;
        if (shadowed !== undefined) {
          if (o.duplicates === 'error') throw malformed(o.what, `duplicate key ${JSON.stringify(e.key)}`, e.offset);
          o.onDuplicate?.(e.key, shadowed);
        }
        out[e.key] = value;
      }
      return out;
    }
    case 'array':
      return v.items.map((x) => plain(x, o));
    case 'string':
      return v.value;
    case 'number':
      return numberOf(v, o);
    case 'true':
      return true;
    case 'false':
      return false;
    case 'null':
      return null;
  }
}

function numberOf(v: JsonNumber, o: PlainOptions): number {
  if (o.python) {
    if (v.text === 'NaN') return Number.NaN;
    if (v.text === 'Infinity') return Infinity;
    if (v.text === '-Infinity') return -Infinity;
    return Number(v.text);
  }
  if (!/^(0|[1-9][0-9]*)$/.test(v.text)) {
    throw malformed(o.what, 'unexpected token (only non-negative integers, strings, objects, arrays, true/false/null)', v.offset);
  }
  const n = Number(v.text);
  if (!Number.isSafeInteger(n)) throw malformed(o.what, 'integer over 2^53', v.offset);
  return n;
}

function malformed(what: string, message: string, offset: number): ModelguardError {
  return new ModelguardError('E_MALFORMED', `${what}: ${message} at offset ${offset}`, { offset });
}

/** Whether `v` is a JSON object (not an array, not null). */
export function isJsonObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Parser {
  /** The input as code units: bytes, or UTF-16 units of a string. The grammar is ASCII either way. */
  private readonly u: Uint8Array | Uint16Array;
  private readonly text: string | undefined;
  private readonly o: JsonTreeOptions;
  private readonly base: number;
  private readonly what: string;
  private pos = 0;
  private values = 0;

  constructor(input: Uint8Array | string, options: JsonTreeOptions) {
    if (typeof input === 'string') {
      const u = new Uint16Array(input.length);
      for (let i = 0; i < input.length; i++) u[i] = input.charCodeAt(i);
      this.u = u;
      this.text = input;
    } else {
      this.u = input;
      this.text = undefined;
    }
    this.o = options;
    this.base = options.base ?? 0;
    this.what = options.what ?? 'JSON';
  }

  document(): JsonValue {
    this.ws();
    const v = this.value(0);
    this.ws();
    if (this.pos !== this.u.length) this.fail('trailing characters after the JSON value');
    return v;
  }

  /** The input between two offsets, decoded. */
  private slice(from: number, to: number): string {
    if (this.text !== undefined) return this.text.slice(from, to);
    try {
      return utf8.decode((this.u as Uint8Array).subarray(from, to));
    } catch {
      this.pos = from;
      return this.fail('invalid UTF-8');
    }
  }

  private fail(message: string): never {
    const offset = this.base + this.pos;
    throw new ModelguardError('E_MALFORMED', `${this.what}: ${message} at offset ${offset}`, { offset });
  }

  private limit(message: string, code: 'E_LIMIT' | 'E_MALFORMED' = 'E_LIMIT'): never {
    const offset = this.base + this.pos;
    throw new ModelguardError(code, `${this.what}: ${message} at offset ${offset}`, { offset });
  }

  private ws(): void {
    for (;;) {
      const c = this.u[this.pos];
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else return;
    }
  }

  private value(depth: number): JsonValue {
    if (++this.values > this.o.maxValues) this.limit(`more than ${this.o.maxValues} values`);
    const offset = this.pos;
    const c = this.u[this.pos];
    switch (c) {
      case 0x7b: // {
        return this.object(depth + 1);
      case 0x5b: // [
        return this.array(depth + 1);
      case 0x22: // "
        return { kind: 'string', value: this.string(), offset };
      case 0x74: // t
        this.literal('true');
        return { kind: 'true', offset };
      case 0x66: // f
        this.literal('false');
        return { kind: 'false', offset };
      case 0x6e: // n
        this.literal('null');
        return { kind: 'null', offset };
      case 0x4e: // N
        if (this.o.python !== true) break;
        this.literal('NaN');
        return { kind: 'number', text: 'NaN', offset };
      case 0x49: // I
        if (this.o.python !== true) break;
        this.literal('Infinity');
        return { kind: 'number', text: 'Infinity', offset };
      default:
        break;
    }
    if (c === 0x2d && this.o.python === true && this.u[this.pos + 1] === 0x49) {
      this.pos++;
      this.literal('Infinity');
      return { kind: 'number', text: '-Infinity', offset };
    }
    if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return this.number();
    return this.fail(c === undefined ? 'unexpected end of input' : 'unexpected character');
  }

  private enter(depth: number): void {
    if (depth > this.o.maxDepth) this.limit(`nesting deeper than ${this.o.maxDepth} levels`, this.o.depthError ?? 'E_LIMIT');
  }

  private object(depth: number): JsonObject {
    this.enter(depth);
    const offset = this.pos++;
    const entries: JsonEntry[] = [];
    this.ws();
    if (this.u[this.pos] === 0x7d) {
      this.pos++;
      return { kind: 'object', entries, offset };
    }
    for (;;) {
      this.ws();
      if (this.u[this.pos] !== 0x22) this.fail('expected a string key');
      const keyOffset = this.pos;
      const key = this.string();
      this.ws();
      if (this.u[this.pos] !== 0x3a) this.fail("expected ':'");
      this.pos++;
      this.ws();
      entries.push({ key, value: this.value(depth), offset: keyOffset });
      this.ws();
      const c = this.u[this.pos];
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x7d) {
        this.pos++;
        return { kind: 'object', entries, offset };
      }
      this.fail("expected ',' or '}'");
    }
  }

  private array(depth: number): JsonArray {
    this.enter(depth);
    const offset = this.pos++;
    const items: JsonValue[] = [];
    this.ws();
    if (this.u[this.pos] === 0x5d) {
      this.pos++;
      return { kind: 'array', items, offset };
    }
    for (;;) {
      this.ws();
      items.push(this.value(depth));
      this.ws();
      const c = this.u[this.pos];
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x5d) {
        this.pos++;
        return { kind: 'array', items, offset };
      }
      this.fail("expected ',' or ']'");
    }
  }

  private literal(word: string): void {
    for (let i = 0; i < word.length; i++) {
      if (this.u[this.pos + i] !== word.charCodeAt(i)) this.fail(`invalid literal (expected ${word})`);
    }
    this.pos += word.length;
  }

  private number(): JsonNumber {
    const start = this.pos;
    const digit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
    if (this.u[this.pos] === 0x2d) this.pos++;
    if (this.u[this.pos] === 0x30) {
      this.pos++;
      if (digit(this.u[this.pos])) this.fail('leading zero in number');
    } else if (digit(this.u[this.pos])) {
      while (digit(this.u[this.pos])) this.pos++;
    } else {
      this.fail('invalid number');
    }
    if (this.u[this.pos] === 0x2e) {
      this.pos++;
      if (!digit(this.u[this.pos])) this.fail('invalid fraction');
      while (digit(this.u[this.pos])) this.pos++;
    }
    const e = this.u[this.pos];
    if (e === 0x65 || e === 0x45) {
      this.pos++;
      const s = this.u[this.pos];
      if (s === 0x2b || s === 0x2d) this.pos++;
      if (!digit(this.u[this.pos])) this.fail('invalid exponent');
      while (digit(this.u[this.pos])) this.pos++;
    }
    if (this.o.python === true && this.pos - start >= MAX_PYTHON_NUMBER) this.fail('number too long');
    return { kind: 'number', text: this.slice(start, this.pos), offset: start };
  }

  /** A string token starting at the opening quote; returns its decoded value. */
  private string(): string {
    this.pos++; // opening quote
    let out = '';
    let runStart = this.pos;
    for (;;) {
      const c = this.u[this.pos];
      if (c === undefined) this.fail('unterminated string');
      if (c === 0x22) {
        out += this.slice(runStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail('control character in string');
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += this.slice(runStart, this.pos);
      this.pos++;
      out += this.escape();
      runStart = this.pos;
    }
  }

  private escape(): string {
    const c = this.u[this.pos++];
    switch (c) {
      case 0x22:
        return '"';
      case 0x5c:
        return '\\';
      case 0x2f:
        return '/';
      case 0x62:
        return '\b';
      case 0x66:
        return '\f';
      case 0x6e:
        return '\n';
      case 0x72:
        return '\r';
      case 0x74:
        return '\t';
      case 0x75: {
        const hi = this.hex4();
        const lone = this.o.python === true;
        if (hi >= 0xdc00 && hi <= 0xdfff) return lone ? String.fromCharCode(hi) : this.fail('lone trailing surrogate in \\u escape');
        if (hi < 0xd800 || hi > 0xdbff) return String.fromCharCode(hi);
        if (this.u[this.pos] !== 0x5c || this.u[this.pos + 1] !== 0x75)
          return lone ? String.fromCharCode(hi) : this.fail('lone leading surrogate in \\u escape');
        const save = this.pos;
        this.pos += 2;
        const lo = this.hex4();
        if (lo >= 0xdc00 && lo <= 0xdfff) return String.fromCharCode(hi, lo);
        if (!lone) return this.fail('invalid low surrogate in \\u escape');
        // Python keeps the lone high surrogate and reads the next escape on its own.
        this.pos = save;
        return String.fromCharCode(hi);
      }
      default:
        this.pos--;
        return this.fail('invalid escape in string');
    }
  }

  private hex4(): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.u[this.pos++];
      let d: number;
      if (c === undefined) d = -1;
      else if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
      else d = -1;
      if (d < 0) {
        this.pos--;
        this.fail('invalid \\u escape');
      }
      v = v * 16 + d;
    }
    return v;
  }
}
