/**
 * A request schema declared in YAML for `json` and `torchserve` routes: a
 * small, strict subset of JSON Schema (objects never allow extra fields).
 */
import { configError, Fields } from './fields.js';
import type { Schema } from '../validate/schema-type.js';

/** Nesting of a declared schema (CWE-674 on our own config). */
const MAX_SCHEMA_DEPTH = 16;

const KEYS = [
  'type',
  'properties',
  'required',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'enum',
  'pattern',
  'text',
  'minimum',
  'maximum',
  'anyOf',
  'values',
  'maxProperties',
] as const;

export function readSchema(value: unknown, path: string, depth = 0): Schema {
  if (depth > MAX_SCHEMA_DEPTH) throw configError(path, `schema nested deeper than ${MAX_SCHEMA_DEPTH}`);
  const f = new Fields(value, path, KEYS);
  if (f.has('anyOf')) {
    if (f.keys().length !== 1) throw configError(path, 'anyOf stands alone');
    return { anyOf: f.list('anyOf', { nonEmpty: true, max: 16 }).map((e) => readSchema(e.value, e.path, depth + 1)) };
  }
  const type = f.oneOf('type', ['object', 'map', 'array', 'string', 'number', 'integer', 'boolean', 'null'] as const, 'object');
  const allowed: Record<string, readonly string[]> = {
    object: ['type', 'properties', 'required'],
    map: ['type', 'values', 'maxProperties'],
    array: ['type', 'items', 'minItems', 'maxItems'],
    string: ['type', 'minLength', 'maxLength', 'enum', 'pattern', 'text'],
    number: ['type', 'minimum', 'maximum'],
    integer: ['type', 'minimum', 'maximum'],
    boolean: ['type'],
    null: ['type'],
  };
  for (const k of f.keys()) {
    if (!(allowed[type] ?? []).includes(k)) throw configError(f.at(k), `not allowed for type ${type}`);
  }
  const count = (k: string): number | undefined => f.optionalNumber(k, { integer: true, min: 0, max: 1e9 });
  switch (type) {
    case 'object': {
      const properties: Record<string, Schema> = {};
      const raw = f.raw('properties');
      if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) throw configError(f.at('properties'), 'expected a mapping');
      for (const [k, v] of Object.entries((raw ?? {}) as Record<string, unknown>)) properties[k] = readSchema(v, `${f.at('properties')}.${k}`, depth + 1);
      const required = f.stringList('required') ?? [];
      for (const r of required) if (!Object.hasOwn(properties, r)) throw configError(f.at('required'), `${r} is not a property`);
      return { type, properties, required };
    }
    case 'map':
      if (!f.has('values')) throw configError(f.at('values'), 'required for a map');
      return {
        type,
        values: readSchema(f.raw('values'), f.at('values'), depth + 1),
        maxProperties: f.number('maxProperties', 64, { integer: true, min: 1, max: 10_000 }),
      };
    case 'array':
      if (!f.has('items')) throw configError(f.at('items'), 'required for an array');
      return { type, items: readSchema(f.raw('items'), f.at('items'), depth + 1), minItems: count('minItems'), maxItems: count('maxItems') ?? 1024 };
    case 'string': {
      const pattern = f.string('pattern');
      let re: RegExp | undefined;
      if (pattern !== undefined) {
        try {
          re = new RegExp(`^(?:${pattern})$`, 'u');
        } catch {
          throw configError(f.at('pattern'), 'not a valid regular expression');
        }
      }
      return {
        type,
        minLength: count('minLength'),
        maxLength: count('maxLength') ?? 100_000,
        enum: f.stringList('enum'),
        pattern: re,
        text: f.boolean('text', true),
      };
    }
    case 'number':
    case 'integer':
      return { type, minimum: f.optionalNumber('minimum'), maximum: f.optionalNumber('maximum') };
    case 'boolean':
    case 'null':
      return { type };
  }
}
