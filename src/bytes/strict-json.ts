/**
 * A strict, bounded JSON parser for untrusted metadata.
 *
 * Two dialects:
 * - the default (safetensors headers): RFC 8259 with duplicate keys as an
 *   error (JSON.parse keeps the last silently, parsers that keep the first
 *   see a different file), numbers limited to non-negative integers under
 *   2^53, lone surrogates rejected, depth 16;
 * - `python: true`, what Python's `json.loads` accepts (Keras configs): any
 *   number, `NaN`/`Infinity`/`-Infinity`, lone surrogates, and duplicate keys
 *   resolved like Python (the last wins) while the shadowed values are
 *   handed to `onDuplicate`, so a scanner can still inspect what another
 *   parser would have kept.
 *
 * Depth and the number of values are bounded (CWE-674, CWE-400); hitting a
 * bound throws `E_LIMIT`, broken syntax `E_MALFORMED`.
 */
import { ModelguardError } from '../errors.js';

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export interface StrictJsonOptions {
  /** Nesting accepted (default 16, enough for a safetensors header). */
  maxDepth?: number;
  /** Values (scalars, arrays, objects) accepted in the document (default unbounded). */
  maxValues?: number;
  /** Accept what Python's `json.loads` accepts (see the module comment). */
  python?: boolean;
  /** With `python`: called for every value a later duplicate key replaces. */
  onDuplicate?: (key: string, shadowed: Json) => void;
  /** Prefix of error messages (default `header JSON`). */
  what?: string;
}

/** Default nesting for headers (they need 3 levels; CWE-674). */
const DEFAULT_DEPTH = 16;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const INDEX_NUMBER = /^(?:0|[1-9][0-9]*)(?![.eE0-9])/;
const ANY_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/;

export function parseStrictJson(text: string, options: StrictJsonOptions = {}): Json {
  const maxDepth = options.maxDepth ?? DEFAULT_DEPTH;
  const maxValues = options.maxValues ?? Number.POSITIVE_INFINITY;
  const python = options.python === true;
  const what = options.what ?? 'header JSON';
  let i = 0;
  let values = 0;
  const fail = (m: string): never => {
    throw new ModelguardError('E_MALFORMED', `${what}: ${m} at character ${i}`);
  };
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const str = (): string => {
    if (text[i] !== '"') fail('expected a string');
    const start = i;
    i++;
    let escaped = false;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) {
        escaped = true;
        i++;
        const e = text[i];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('bad \\u escape');
          i += 4;
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('bad escape');
      }
      i++;
    }
    i++;
    const s = escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1);
    if (!python && LONE_SURROGATE.test(s)) fail('lone surrogate in string');
    return s;
  };
  const number = (): number | undefined => {
    const m = (python ? ANY_NUMBER : INDEX_NUMBER).exec(text.slice(i, i + 400));
    if (m === null) return undefined;
    if (python && m[0].length >= 400) fail('number too long');
    i += m[0].length;
    const n = Number(m[0]);
    if (!python && !Number.isSafeInteger(n)) fail('integer over 2^53');
    return n;
  };
  const value = (depth: number): Json => {
    if (depth > maxDepth) {
      // A header deeper than its format allows is malformed; a config deeper than the bound is over a limit.
      if (!python) fail('nesting too deep');
      throw new ModelguardError('E_LIMIT', `${what}: nesting deeper than ${maxDepth} at character ${i}`);
    }
    if (++values > maxValues) {
      throw new ModelguardError('E_LIMIT', `${what}: more than ${maxValues} values at character ${i}`);
    }
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: Record<string, Json> = Object.create(null) as Record<string, Json>;
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        const k = str();
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        const v = value(depth + 1);
        if (Object.hasOwn(out, k)) {
          if (!python) fail(`duplicate key ${JSON.stringify(k)}`);
          options.onDuplicate?.(k, out[k] as Json);
        }
        out[k] = v;
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return out;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const out: Json[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return out;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    const n = number();
    if (n !== undefined) return n;
    const literals: readonly (readonly [string, Json])[] = python
      ? [
          ['true', true],
          ['false', false],
          ['null', null],
          ['NaN', Number.NaN],
          ['Infinity', Infinity],
          ['-Infinity', -Infinity],
        ]
      : [
          ['true', true],
          ['false', false],
          ['null', null],
        ];
    for (const [lit, v] of literals) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return v;
      }
    }
    return fail(python ? 'unexpected token' : 'unexpected token (only non-negative integers, strings, objects, arrays, true/false/null)');
  };
  const v = value(0);
  ws();
  if (i !== text.length) fail('trailing characters');
  return v;
}

/** Whether `v` is a JSON object (not an array, not null). */
export function isJsonObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
