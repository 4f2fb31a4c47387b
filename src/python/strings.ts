/**
 * String literals: prefixes, escape sequences and f-string replacement
 * fields. The tokenizer finds where a literal ends; this decodes its body.
 * Values matter to the analyser (`getattr(os, "sys" + "tem")`, an
 * `"\x73ystem"` spelled with escapes), so escapes are decoded as Python
 * does; one this reader does not decode marks the value inexact.
 */
import { PySyntaxError } from './errors.js';
import type { FieldSource } from './tokens.js';

/** Valid prefixes, lowercased (any order and case is accepted by Python). */
const PREFIXES = new Set(['', 'r', 'u', 'b', 'br', 'rb', 'f', 'fr', 'rf']);

export function isStringPrefix(p: string): boolean {
  return PREFIXES.has(p.toLowerCase());
}

const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

export interface Decoded {
  value: string;
  inexact: boolean;
}

/** Decodes the escapes of a non-raw literal body. */
export function decodeEscapes(body: string, bytes: boolean): Decoded {
  if (!body.includes('\\')) return { value: body, inexact: false };
  let out = '';
  let inexact = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const e = body[++i] as string;
    if (e === '\n') continue; // line continuation inside a literal
    const oct = /^[0-7]{1,3}/.exec(body.slice(i, i + 3));
    if (oct !== null) {
      out += String.fromCharCode(parseInt(oct[0], 8));
      i += oct[0].length - 1;
      continue;
    }
    const simple = SIMPLE[e];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const width = e === 'x' ? 2 : !bytes && e === 'u' ? 4 : !bytes && e === 'U' ? 8 : 0;
    if (width > 0) {
      const hex = body.slice(i + 1, i + 1 + width);
      if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) throw new PySyntaxError(`truncated \\${e} escape`, 0, 0);
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) throw new PySyntaxError('escape out of the Unicode range', 0, 0);
      out += String.fromCodePoint(cp);
      i += width;
      continue;
    }
    if (!bytes && e === 'N') {
      // \N{NAME}: the name table is not carried; the value is marked inexact.
      const close = body.indexOf('}', i);
      if (body[i + 1] !== '{' || close < 0) throw new PySyntaxError('malformed \\N escape', 0, 0);
      inexact = true;
      out += '\uFFFD';
      i = close;
      continue;
    }
    out += `\\${e}`; // unknown escapes stay as written (Python warns, keeps both characters)
  }
  return { value: out, inexact };
}

export interface FString {
  /** The literal text with every field replaced by U+FFFC (its value is computed at run time). */
  text: string;
  fields: FieldSource[];
}

/**
 * Splits an f-string body into its literal text and replacement fields
 * (`{expr!r:spec}`; fields nested in the spec are fields too). `line`/`col`
 * locate the body's first character.
 */
export function splitFString(body: string, line: number, col: number, maxFields: number): FString {
  const fields: FieldSource[] = [];
  let text = '';
  const at = (i: number): [number, number] => {
    let l = line;
    let c = col;
    for (let k = 0; k < i; k++) {
      if (body[k] === '\n') {
        l++;
        c = 1;
      } else c++;
    }
    return [l, c];
  };
  const field = (start: number): number => {
    // `start` is just after `{`; returns the index after the matching `}`.
    let depth = 0;
    let i = start;
    let quote: string | undefined;
    for (; i < body.length; i++) {
      const c = body[i] as string;
      if (quote !== undefined) {
        if (c === '\\') i++;
        else if (body.startsWith(quote, i)) {
          i += quote.length - 1;
          quote = undefined;
        }
        continue;
      }
      if (c === "'" || c === '"') {
        quote = body.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
        i += quote.length - 1;
      } else if (c === '(' || c === '[' || c === '{') depth++;
      else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
      else if (
        depth === 0 &&
        (c === '}' || c === ':' || (c === '!' && body[i + 1] !== '=') || (c === '=' && !'=!<>'.includes(body[i - 1] ?? '') && body[i + 1] !== '='))
      )
        break;
    }
    if (quote !== undefined || i >= body.length) throw new PySyntaxError('f-string: expecting "}"', ...at(start));
    const src = body.slice(start, i);
    if (src.trim() === '') throw new PySyntaxError('f-string: empty expression not allowed', ...at(start));
    if (fields.length >= maxFields) throw new PySyntaxError('f-string: too many replacement fields', ...at(start));
    const [l, c] = at(start);
    fields.push({ src, line: l, col: c });
    if (body[i] === '=') i++;
    if (body[i] === '!') i += 2;
    if (body[i] === ':') {
      // The format spec: literal text with nested fields.
      i++;
      while (i < body.length && body[i] !== '}') i = body[i] === '{' ? field(i + 1) : i + 1;
    }
    if (body[i] !== '}') throw new PySyntaxError('f-string: expecting "}"', ...at(i));
    return i + 1;
  };
  let i = 0;
  while (i < body.length) {
    const c = body[i] as string;
    if (c === '{' && body[i + 1] === '{') {
      text += '{';
      i += 2;
    } else if (c === '}' && body[i + 1] === '}') {
      text += '}';
      i += 2;
    } else if (c === '{') {
      i = field(i + 1);
      text += '\uFFFC';
    } else if (c === '}') {
      throw new PySyntaxError("f-string: single '}' is not allowed", ...at(i));
    } else {
      text += c;
      i++;
    }
  }
  return { text, fields };
}
