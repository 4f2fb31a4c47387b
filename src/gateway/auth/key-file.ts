/**
 * The key file (YAML), re-read on reload:
 *
 *   keys:
 *     - id: alice
 *       scopes: [infer]
 *       models: [small-chat, "llama-3*"]
 *       expires: 2026-01-01T00:00:00Z
 *       limits: { perKey: { perMinute: 60 }, daily: { tokens: 200000 } }
 *       secrets:
 *         - hash: hmac-sha256:...:...
 *         - hash: hmac-sha256:...:...      # the previous secret, during rotation
 *           expires: 2025-07-01T00:00:00Z
 *
 * Rotation: add the new secret's hash, give the old one an `expires`,
 * reload; both work until then. Limits and audit follow the id, so
 * rotating does not reset a key's buckets.
 */
import { readFileSync } from 'node:fs';
import { GatewayError } from '../errors.js';
import { BUCKET_KEYS, DAILY_KEYS, readBucket, readDaily } from '../config/limits.js';
import { configError, Fields } from '../config/fields.js';
import { parseYaml } from '../config/load.js';
import type { BucketConfig, DailyQuota, Scope } from '../config/types.js';
import { KEY_ID, parseStoredHash, type StoredHash } from './key-format.js';

export interface KeySecret {
  readonly hash: StoredHash;
  readonly expires: number | undefined;
}

export interface KeyEntry {
  readonly id: string;
  readonly scopes: readonly Scope[];
  readonly models: readonly string[] | undefined;
  readonly expires: number | undefined;
  readonly disabled: boolean;
  readonly perKey: BucketConfig | undefined;
  readonly daily: DailyQuota | undefined;
  readonly secrets: readonly KeySecret[];
}

const MAX_KEYS = 100_000;
const MAX_SECRETS = 8;
const MAX_KEY_FILE_BYTES = 16 * 1024 * 1024;

function date(f: Fields, k: string): number | undefined {
  const v = f.raw(k);
  if (v === undefined || v === null) return undefined;
  const t = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(t)) throw configError(f.at(k), 'expected an ISO 8601 date-time (2026-01-01T00:00:00Z)');
  return t;
}

export function parseKeyFile(doc: unknown): Map<string, KeyEntry> {
  const top = new Fields(doc ?? {}, '', ['keys']);
  const out = new Map<string, KeyEntry>();
  for (const { value, path } of top.list('keys', { max: MAX_KEYS })) {
    const f = new Fields(value, path, ['id', 'scopes', 'models', 'expires', 'disabled', 'limits', 'secrets']);
    const id = f.requiredString('id', { pattern: KEY_ID, what: 'letters, digits and - (at most 64)' });
    if (out.has(id)) throw configError(f.at('id'), `duplicate key id ${id}`);
    const scopes = (f.stringList('scopes') ?? ['infer']).map((s, i) => {
      if (s !== 'infer' && s !== 'admin') throw configError(`${f.at('scopes')}[${i}]`, 'expected infer or admin');
      return s;
    });
    const limits = f.object('limits', ['perKey', 'daily']);
    const secrets = f.list('secrets', { nonEmpty: true, max: MAX_SECRETS }).map((s) => {
      const sf = new Fields(s.value, s.path, ['hash', 'expires']);
      const hash = parseStoredHash(sf.requiredString('hash'));
      if (hash === undefined) throw configError(sf.at('hash'), 'expected hmac-sha256:<salt>:<digest> (from modelguard gateway key new)');
      return { hash, expires: date(sf, 'expires') };
    });
    out.set(id, {
      id,
      scopes,
      models: f.stringList('models', { pattern: /^[A-Za-z0-9._:/@-]{1,128}\*?$/, what: 'a model name (a trailing * matches a prefix)', max: 1000 }),
      expires: date(f, 'expires'),
      disabled: f.boolean('disabled', false),
      perKey: readBucket(limits?.object('perKey', BUCKET_KEYS)),
      daily: limits?.has('daily') === true ? readDaily(limits.object('daily', DAILY_KEYS)) : undefined,
      secrets,
    });
  }
  return out;
}

export function loadKeyFile(file: string): Map<string, KeyEntry> {
  let text: string;
  try {
    const bytes = readFileSync(file);
    if (bytes.length > MAX_KEY_FILE_BYTES) throw new GatewayError('E_KEYS', `${file}: larger than ${MAX_KEY_FILE_BYTES} bytes`);
    text = bytes.toString('utf8');
  } catch (e) {
    if (e instanceof GatewayError) throw e;
    throw new GatewayError('E_KEYS', `${file}: cannot read (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  try {
    return parseKeyFile(parseYaml(text, file));
  } catch (e) {
    if (e instanceof GatewayError) throw new GatewayError('E_KEYS', `${file}: ${e.message}`, { cause: e });
    throw e;
  }
}
