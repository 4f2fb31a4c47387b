/**
 * A strict JSON parser for safetensors headers: duplicate keys are an error
 * (JSON.parse keeps the last silently, and parsers that keep the first see a
 * different file), numbers must be non-negative integers that fit 2^53, and
 * depth is bounded. Everything else follows RFC 8259.
 */
import { ModelguardError } from '../../errors.js';

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** Nesting accepted in a header (it needs 3 levels; CWE-674). */
const MAX_DEPTH = 16;

export function parseStrictJson(text: string): Json {
  let i = 0;
  const fail = (m: string): never => {
    throw new ModelguardError('E_MALFORMED', `header JSON: ${m} at character ${i}`);
  };
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const str = (): string => {
    if (text[i] !== '"') fail('expected a string');
    const start = i;
    i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) {
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
    const s = JSON.parse(text.slice(start, i)) as string;
    if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)) fail('lone surrogate in string');
    return s;
  };
  const value = (depth: number): Json => {
    if (depth > MAX_DEPTH) fail('nesting too deep');
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
        if (Object.hasOwn(out, k)) fail(`duplicate key ${JSON.stringify(k)}`);
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        out[k] = value(depth + 1);
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
    const m = /^(?:0|[1-9][0-9]*)(?![.eE0-9])/.exec(text.slice(i, i + 24));
    if (m !== null) {
      i += m[0].length;
      const n = Number(m[0]);
      if (!Number.isSafeInteger(n)) fail('integer over 2^53');
      return n;
    }
    for (const [lit, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return v;
      }
    }
    return fail('unexpected token (only non-negative integers, strings, objects, arrays, true/false/null)');
  };
  const v = value(0);
  ws();
  if (i !== text.length) fail('trailing characters');
  return v;
}
