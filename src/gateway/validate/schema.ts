/**
 * A strict schema check for request bodies: objects have no unknown fields
 * (an extra field is how parameter smuggling and prompt fields the gateway
 * does not inspect would slip through), types are exact, lengths and counts
 * are bounded. Strings marked `text` are collected as slots that later
 * steps (normalisation, filters, detector, redaction) read and rewrite.
 *
 * Deliberately small: the schemas are the gateway's own (OpenAI, KServe v2)
 * or a subset a route declares in YAML (`config/schema-config.ts`).
 */
import { refuse } from '../errors.js';
import type { Schema } from './schema-type.js';
import { hasLoneSurrogate } from './unicode.js';

export type { Schema } from './schema-type.js';

/** A string in the request that is free text: where it is, so it can be rewritten. */
export interface TextSlot {
  readonly holder: Record<string, unknown> | unknown[];
  readonly key: string | number;
  readonly path: string;
}

export function readSlot(s: TextSlot): string {
  return (s.holder as Record<string | number, unknown>)[s.key] as string;
}

export function writeSlot(s: TextSlot, value: string): void {
  (s.holder as Record<string | number, unknown>)[s.key] = value;
}

class SchemaMismatch extends Error {
  readonly rule: string;
  readonly path: string;
  constructor(rule: string, path: string, message: string) {
    super(message);
    this.rule = rule;
    this.path = path;
  }
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function check(schema: Schema, v: unknown, path: string, slots: TextSlot[], holder: TextSlot['holder'] | undefined, key: string | number): void {
  const bad = (rule: string, message: string): never => {
    throw new SchemaMismatch(rule, path === '' ? '(body)' : path, message);
  };
  if ('anyOf' in schema) {
    let first: SchemaMismatch | undefined;
    for (const branch of schema.anyOf) {
      const tried: TextSlot[] = [];
      try {
        check(branch, v, path, tried, holder, key);
        slots.push(...tried);
        return;
      } catch (e) {
        if (!(e instanceof SchemaMismatch)) throw e;
        // Report the branch that got furthest (its path is deepest).
        if (first === undefined || e.path.length > first.path.length) first = e;
      }
    }
    throw first ?? new SchemaMismatch('schema/type', path, 'matches no allowed shape');
  }
  switch (schema.type) {
    case 'object': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('schema/type', `expected an object, got ${kindOf(v)}`);
      const obj = v as Record<string, unknown>;
      for (const k of Object.keys(obj)) {
        const sub = Object.hasOwn(schema.properties, k) ? schema.properties[k] : undefined;
        if (sub === undefined) throw new SchemaMismatch('schema/unknown-field', path === '' ? k : `${path}.${k}`, 'unknown field');
        check(sub, obj[k], path === '' ? k : `${path}.${k}`, slots, obj, k);
      }
      for (const r of schema.required ?? []) {
        if (!Object.hasOwn(obj, r)) throw new SchemaMismatch('schema/required', path === '' ? r : `${path}.${r}`, 'required field missing');
      }
      return;
    }
    case 'map': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('schema/type', `expected an object, got ${kindOf(v)}`);
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj);
      if (keys.length > schema.maxProperties) return bad('schema/length', `more than ${schema.maxProperties} entries`);
      for (const k of keys) {
        if (hasLoneSurrogate(k)) return bad('text/lone-surrogate', 'lone surrogate in a key');
      }
      for (const k of keys) check(schema.values, obj[k], `${path}.${k}`, slots, obj, k);
      return;
    }
    case 'array': {
      if (!Array.isArray(v)) return bad('schema/type', `expected an array, got ${kindOf(v)}`);
      if (schema.maxItems !== undefined && v.length > schema.maxItems) return bad('schema/length', `more than ${schema.maxItems} items`);
      if (schema.minItems !== undefined && v.length < schema.minItems) return bad('schema/length', `fewer than ${schema.minItems} items`);
      for (let i = 0; i < v.length; i++) check(schema.items, v[i], `${path}[${i}]`, slots, v, i);
      return;
    }
    case 'string': {
      if (typeof v !== 'string') return bad('schema/type', `expected a string, got ${kindOf(v)}`);
      // A JSON \ud800 escape decodes to a lone surrogate, which no UTF-8 encoder downstream can represent.
      if (hasLoneSurrogate(v)) return bad('text/lone-surrogate', 'lone surrogate in string');
      if (schema.maxLength !== undefined && v.length > schema.maxLength) return bad('schema/length', `longer than ${schema.maxLength} characters`);
      if (schema.minLength !== undefined && v.length < schema.minLength) return bad('schema/length', `shorter than ${schema.minLength} characters`);
      if (schema.enum !== undefined && !schema.enum.includes(v)) return bad('schema/enum', `not one of ${schema.enum.join(', ')}`);
      if (schema.pattern !== undefined && !schema.pattern.test(v)) return bad('schema/pattern', 'does not match the allowed pattern');
      if (schema.text === true && holder !== undefined) slots.push({ holder, key, path });
      return;
    }
    case 'number':
    case 'integer': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return bad('schema/type', `expected a ${schema.type}, got ${kindOf(v)}`);
      if (schema.type === 'integer' && !Number.isSafeInteger(v)) return bad('schema/type', 'expected an integer');
      if ((schema.minimum !== undefined && v < schema.minimum) || (schema.maximum !== undefined && v > schema.maximum)) {
        return bad('schema/range', `outside [${schema.minimum ?? '-inf'}, ${schema.maximum ?? 'inf'}]`);
      }
      return;
    }
    case 'boolean':
      if (typeof v !== 'boolean') bad('schema/type', `expected a boolean, got ${kindOf(v)}`);
      return;
    case 'null':
      if (v !== null) bad('schema/type', `expected null, got ${kindOf(v)}`);
      return;
    case 'json':
      return;
  }
}

/**
 * Checks `body` against `schema`; returns the text slots in document order.
 * A mismatch is refused with 400 and a `schema/*` reason naming the path.
 */
export function validateSchema(schema: Schema, body: unknown): TextSlot[] {
  const slots: TextSlot[] = [];
  try {
    check(schema, body, '', slots, undefined, '');
  } catch (e) {
    if (e instanceof SchemaMismatch) throw refuse(400, e.rule, `${e.path}: ${e.message}`, { rules: [e.rule] });
    throw e;
  }
  return slots;
}
