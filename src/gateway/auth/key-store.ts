/**
 * The keys in force and the check of a presented key. Verification does
 * the same work whether or not the id exists (a dummy hash is checked for
 * unknown ids) so response time does not reveal which ids exist.
 */
import type { Scope } from '../config/types.js';
import { refuse } from '../errors.js';
import { hashSecret, parseApiKey, parseStoredHash, secretMatches, type StoredHash } from './key-format.js';
import type { KeyEntry } from './key-file.js';

const DUMMY: StoredHash = parseStoredHash(hashSecret('modelguard-dummy-secret-for-unknown-ids-000')) as StoredHash;

export class KeyStore {
  #keys: ReadonlyMap<string, KeyEntry>;
  readonly #now: () => number;

  constructor(keys: ReadonlyMap<string, KeyEntry>, now: () => number = Date.now) {
    this.#keys = keys;
    this.#now = now;
  }

  /** Swaps the key set atomically (reload); requests in flight keep the entry they authenticated with. */
  replace(keys: ReadonlyMap<string, KeyEntry>): void {
    this.#keys = keys;
  }

  get size(): number {
    return this.#keys.size;
  }

  list(): readonly KeyEntry[] {
    return [...this.#keys.values()];
  }

  /** The entry for a presented key, or a 401 refusal (`auth/missing`, `auth/invalid`, `auth/expired`). */
  authenticate(presented: string | undefined): KeyEntry {
    if (presented === undefined || presented === '') throw refuse(401, 'auth/missing', 'an API key is required', { headers: { 'www-authenticate': 'Bearer' } });
    const parsed = parseApiKey(presented);
    const entry = parsed === undefined ? undefined : this.#keys.get(parsed.id);
    let matched: { expires: number | undefined } | undefined;
    if (entry === undefined || parsed === undefined) {
      secretMatches(parsed?.secret ?? presented.slice(0, 43), DUMMY);
    } else {
      for (const s of entry.secrets) if (secretMatches(parsed.secret, s.hash)) matched ??= s;
    }
    if (entry === undefined || matched === undefined || entry.disabled)
      throw refuse(401, 'auth/invalid', 'invalid API key', { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
    const now = this.#now();
    if ((entry.expires !== undefined && now >= entry.expires) || (matched.expires !== undefined && now >= matched.expires)) {
      throw refuse(401, 'auth/expired', 'API key expired', { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
    }
    return entry;
  }
}

export function requireScope(entry: KeyEntry, scope: Scope): void {
  if (!entry.scopes.includes(scope)) throw refuse(403, 'auth/scope', `this key lacks the ${scope} scope`);
}

function modelMatches(patterns: readonly string[], model: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? model.startsWith(p.slice(0, -1)) : p === model));
}

/** The model must be allowed by the route and by the key (each list, when present). */
export function requireModel(entry: KeyEntry, routeModels: readonly string[] | undefined, model: string | undefined): void {
  if (routeModels === undefined && entry.models === undefined) return;
  if (model === undefined) throw refuse(403, 'auth/model', 'this route needs a model name');
  if (routeModels !== undefined && !modelMatches(routeModels, model)) throw refuse(403, 'auth/model', `model ${model} is not served here`);
  if (entry.models !== undefined && !modelMatches(entry.models, model)) throw refuse(403, 'auth/model', `this key may not use model ${model}`);
}

/** Reads the key from `Authorization: Bearer` or `x-api-key`. */
export function presentedKey(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const auth = headers['authorization'];
  if (typeof auth === 'string') {
    const m = /^Bearer[ ]+(\S+)$/i.exec(auth.trim());
    return m === null ? '' : m[1];
  }
  const x = headers['x-api-key'];
  return typeof x === 'string' ? x.trim() : undefined;
}
