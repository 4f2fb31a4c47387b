/**
 * A strict JSON reader for safetensors headers.
 *
 * `JSON.parse` silently keeps the last of two duplicate keys and accepts
 * lone surrogates; the Rust crate (serde_json) and Python's `json` disagree
 * with each other on such inputs, which is exactly where a scanner and a
 * loader can be made to see different headers. This reader accepts the
 * RFC 8259 grammar only (what serde_json accepts), keeps every object entry
 * in order (duplicates included) with its byte offset, and keeps numbers as
 * their source text so callers can check them with BigInt.
 *
 * Input is bytes already checked to be valid UTF-8.
 */
import { ModelguardError } from '../../errors.js';

export type JsonValue = JsonObject | JsonArray | JsonString | JsonNumber | JsonLiteral;

export interface JsonEntry {
  key: string;
  value: JsonValue;
  /** Byte offset of the key's opening quote, relative to the parsed bytes. */
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
  /** Source text, e.g. `12`, `-0.5e3`. */
  text: string;
  offset: number;
}
export interface JsonLiteral {
  kind: 'true' | 'false' | 'null';
  offset: number;
}

export interface JsonLimits {
  /** Maximum nesting of arrays and objects (CWE-674). */
  maxDepth: number;
  /** Maximum number of values in the document (CWE-770). */
  maxValues: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses `bytes` as one JSON document followed only by whitespace.
 * Throws `E_MALFORMED` (with the offset plus `base`) on any syntax error and
 * `E_LIMIT` when the document is deeper or larger than `limits`.
 */
export function parseStrictJson(bytes: Uint8Array, limits: JsonLimits, base = 0): JsonValue {
  return new Parser(bytes, limits, base).document();
}

class Parser {
  private readonly b: Uint8Array;
  private readonly limits: JsonLimits;
  private readonly base: number;
  private pos = 0;
  private values = 0;

  constructor(bytes: Uint8Array, limits: JsonLimits, base: number) {
    this.b = bytes;
    this.limits = limits;
    this.base = base;
  }

  document(): JsonValue {
    this.ws();
    const v = this.value(0);
    this.ws();
    if (this.pos !== this.b.length) this.fail('trailing characters after the JSON value');
    return v;
  }

  private fail(what: string): never {
    throw new ModelguardError('E_MALFORMED', `JSON header: ${what} at byte ${this.base + this.pos}`, {
      offset: this.base + this.pos,
    });
  }

  private ws(): void {
    for (;;) {
      const c = this.b[this.pos];
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else return;
    }
  }

  private value(depth: number): JsonValue {
    if (++this.values > this.limits.maxValues) {
      throw new ModelguardError('E_LIMIT', `JSON header has more than ${this.limits.maxValues} values`, {
        offset: this.base + this.pos,
      });
    }
    const offset = this.pos;
    const c = this.b[this.pos];
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
      default:
        if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail(c === undefined ? 'unexpected end of input' : 'unexpected character');
    }
  }

  private enter(depth: number): void {
    if (depth > this.limits.maxDepth) {
      throw new ModelguardError('E_LIMIT', `JSON header nested deeper than ${this.limits.maxDepth} levels`, {
        offset: this.base + this.pos,
      });
    }
  }

  private object(depth: number): JsonObject {
    this.enter(depth);
    const offset = this.pos++;
    const entries: JsonEntry[] = [];
    this.ws();
    if (this.b[this.pos] === 0x7d) {
      this.pos++;
      return { kind: 'object', entries, offset };
    }
    for (;;) {
      this.ws();
      if (this.b[this.pos] !== 0x22) this.fail('expected a string key');
      const keyOffset = this.pos;
      const key = this.string();
      this.ws();
      if (this.b[this.pos] !== 0x3a) this.fail("expected ':'");
      this.pos++;
      this.ws();
      entries.push({ key, value: this.value(depth), offset: keyOffset });
      this.ws();
      const c = this.b[this.pos];
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
    if (this.b[this.pos] === 0x5d) {
      this.pos++;
      return { kind: 'array', items, offset };
    }
    for (;;) {
      this.ws();
      items.push(this.value(depth));
      this.ws();
      const c = this.b[this.pos];
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
      if (this.b[this.pos + i] !== word.charCodeAt(i)) this.fail(`invalid literal (expected ${word})`);
    }
    this.pos += word.length;
  }

  private number(): JsonNumber {
    const start = this.pos;
    const digit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
    if (this.b[this.pos] === 0x2d) this.pos++;
    if (this.b[this.pos] === 0x30) {
      this.pos++;
      if (digit(this.b[this.pos])) this.fail('leading zero in number');
    } else if (digit(this.b[this.pos])) {
      while (digit(this.b[this.pos])) this.pos++;
    } else {
      this.fail('invalid number');
    }
    if (this.b[this.pos] === 0x2e) {
      this.pos++;
      if (!digit(this.b[this.pos])) this.fail('invalid fraction');
      while (digit(this.b[this.pos])) this.pos++;
    }
    const e = this.b[this.pos];
    if (e === 0x65 || e === 0x45) {
      this.pos++;
      const s = this.b[this.pos];
      if (s === 0x2b || s === 0x2d) this.pos++;
      if (!digit(this.b[this.pos])) this.fail('invalid exponent');
      while (digit(this.b[this.pos])) this.pos++;
    }
    return { kind: 'number', text: utf8.decode(this.b.subarray(start, this.pos)), offset: start };
  }

  /** A string token starting at the opening quote; returns its decoded value. */
  private string(): string {
    this.pos++; // opening quote
    let out = '';
    let runStart = this.pos;
    for (;;) {
      const c = this.b[this.pos];
      if (c === undefined) this.fail('unterminated string');
      if (c === 0x22) {
        out += utf8.decode(this.b.subarray(runStart, this.pos));
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail('control character in string');
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += utf8.decode(this.b.subarray(runStart, this.pos));
      this.pos++;
      out += this.escape();
      runStart = this.pos;
    }
  }

  private escape(): string {
    const c = this.b[this.pos++];
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
        if (hi >= 0xdc00 && hi <= 0xdfff) this.fail('lone trailing surrogate in \\u escape');
        if (hi < 0xd800 || hi > 0xdbff) return String.fromCharCode(hi);
        if (this.b[this.pos] !== 0x5c || this.b[this.pos + 1] !== 0x75) this.fail('lone leading surrogate in \\u escape');
        this.pos += 2;
        const lo = this.hex4();
        if (lo < 0xdc00 || lo > 0xdfff) this.fail('invalid low surrogate in \\u escape');
        return String.fromCharCode(hi, lo);
      }
      default:
        this.pos--;
        return this.fail('invalid escape in string');
    }
  }

  private hex4(): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.b[this.pos++];
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
