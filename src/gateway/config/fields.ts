/**
 * Strict reading of configuration values with the path of every key, so an
 * error says `routes[1].limits.perKey.burst: expected an integer >= 1` and a
 * misspelt key (`bursts:`) is an error rather than a silently ignored line.
 */
import { GatewayError } from '../errors.js';

export function configError(path: string, message: string): GatewayError {
  return new GatewayError('E_CONFIG', `${path === '' ? '(top level)' : path}: ${message}`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`;
}

const SIZE = /^(\d+)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/;
const SIZE_UNIT: Readonly<Record<string, number>> = { B: 1, KB: 1e3, KiB: 1024, MB: 1e6, MiB: 1024 ** 2, GB: 1e9, GiB: 1024 ** 3 };

interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

/** One mapping of the configuration, read key by key; keys outside `known` are rejected up front. */
export class Fields {
  readonly path: string;
  readonly #value: Record<string, unknown>;
  readonly #known: Set<string>;

  constructor(value: unknown, path: string, known: readonly string[]) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw configError(path, `expected a mapping, got ${describe(value)}`);
    this.path = path;
    this.#value = value as Record<string, unknown>;
    this.#known = new Set(known);
    for (const k of Object.keys(this.#value)) {
      if (!this.#known.has(k)) throw configError(this.at(k), `unknown key (expected one of: ${known.join(', ')})`);
    }
  }

  at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  has(key: string): boolean {
    return this.#value[key] !== undefined && this.#value[key] !== null;
  }

  raw(key: string): unknown {
    return this.#value[key];
  }

  keys(): string[] {
    return Object.keys(this.#value);
  }

  string(key: string, options: { pattern?: RegExp; what?: string } = {}): string | undefined {
    const v = this.#value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v === '') throw configError(this.at(key), `expected a non-empty string, got ${describe(v)}`);
    if (options.pattern !== undefined && !options.pattern.test(v))
      throw configError(this.at(key), `expected ${options.what ?? `a string matching ${options.pattern}`}, got ${JSON.stringify(v)}`);
    return v;
  }

  requiredString(key: string, options: { pattern?: RegExp; what?: string } = {}): string {
    const v = this.string(key, options);
    if (v === undefined) throw configError(this.at(key), 'required');
    return v;
  }

  oneOf<T extends string>(key: string, choices: readonly T[], fallback: T): T {
    const v = this.#value[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string' || !(choices as readonly string[]).includes(v))
      throw configError(this.at(key), `expected one of ${choices.join(', ')}, got ${describe(v)}`);
    return v as T;
  }

  number(key: string, fallback: number, rule: NumberRule = {}): number {
    const v = this.optionalNumber(key, rule);
    return v ?? fallback;
  }

  optionalNumber(key: string, rule: NumberRule = {}): number | undefined {
    const v = this.#value[key];
    if (v === undefined || v === null) return undefined;
    const bad = (): never => {
      const range = [rule.min === undefined ? '' : `>= ${rule.min}`, rule.max === undefined ? '' : `<= ${rule.max}`].filter((s) => s !== '').join(' and ');
      throw configError(this.at(key), `expected ${rule.integer === true ? 'an integer' : 'a number'}${range === '' ? '' : ` ${range}`}, got ${describe(v)}`);
    };
    if (typeof v !== 'number' || !Number.isFinite(v)) return bad();
    if (rule.integer === true && !Number.isSafeInteger(v)) return bad();
    if ((rule.min !== undefined && v < rule.min) || (rule.max !== undefined && v > rule.max)) return bad();
    return v;
  }

  /** A byte size: an integer or a string such as `64KiB`, `1MB`. */
  size(key: string, fallback: number, max = 2 ** 40): number {
    const v = this.#value[key];
    if (v === undefined || v === null) return fallback;
    let n: number | undefined;
    if (typeof v === 'number' && Number.isSafeInteger(v)) n = v;
    else if (typeof v === 'string') {
      const m = SIZE.exec(v.trim());
      if (m !== null) n = Number(m[1]) * (SIZE_UNIT[m[2] ?? 'B'] ?? 1);
    }
    if (n === undefined || n < 1 || n > max)
      throw configError(this.at(key), `expected a size in bytes (an integer or 64KiB, 1MB...) between 1 and ${max}, got ${describe(v)}`);
    return n;
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.#value[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') throw configError(this.at(key), `expected true or false, got ${describe(v)}`);
    return v;
  }

  object(key: string, known: readonly string[]): Fields | undefined {
    const v = this.#value[key];
    if (v === undefined || v === null) return undefined;
    return new Fields(v, this.at(key), known);
  }

  /** A list; each element comes back with its path. */
  list(key: string, options: { max?: number; nonEmpty?: boolean } = {}): { value: unknown; path: string }[] {
    const v = this.#value[key];
    if (v === undefined || v === null) {
      if (options.nonEmpty === true) throw configError(this.at(key), 'required (a non-empty list)');
      return [];
    }
    if (!Array.isArray(v)) throw configError(this.at(key), `expected a list, got ${describe(v)}`);
    if (options.nonEmpty === true && v.length === 0) throw configError(this.at(key), 'expected a non-empty list');
    if (options.max !== undefined && v.length > options.max) throw configError(this.at(key), `at most ${options.max} entries`);
    return (v as unknown[]).map((value, i) => ({ value, path: `${this.at(key)}[${i}]` }));
  }

  stringList(key: string, options: { pattern?: RegExp; what?: string; max?: number } = {}): string[] | undefined {
    if (!this.has(key)) return undefined;
    return this.list(key, options.max === undefined ? {} : { max: options.max }).map(({ value, path }) => {
      if (typeof value !== 'string' || value === '') throw configError(path, `expected a non-empty string, got ${describe(value)}`);
      if (options.pattern !== undefined && !options.pattern.test(value))
        throw configError(path, `expected ${options.what ?? `a string matching ${options.pattern}`}`);
      return value;
    });
  }

  /** A mapping whose keys are names chosen by the user (upstreams, header names); values read by `each`. */
  entries<T>(key: string, each: (value: unknown, path: string, name: string) => T, namePattern?: RegExp): Map<string, T> {
    const v = this.#value[key];
    const out = new Map<string, T>();
    if (v === undefined || v === null) return out;
    if (typeof v !== 'object' || Array.isArray(v)) throw configError(this.at(key), `expected a mapping, got ${describe(v)}`);
    for (const [name, value] of Object.entries(v as Record<string, unknown>)) {
      if (namePattern !== undefined && !namePattern.test(name)) throw configError(`${this.at(key)}.${name}`, `bad name (expected ${namePattern})`);
      out.set(name, each(value, `${this.at(key)}.${name}`, name));
    }
    return out;
  }
}
