/**
 * Reads `gateway.yaml`: YAML 1.2 through the `yaml` package (no custom tags,
 * aliases bounded), then every section validated strictly with the path of
 * any bad key. `parseConfig` takes an already-parsed object so the library
 * checks configs built in code the same way.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { GatewayError } from '../errors.js';
import { configError, Fields } from './fields.js';
import { readLimits } from './limits.js';
import { listenerFields, readListener } from './listener.js';
import { readRoute } from './route.js';
import type { GatewayConfig, UpstreamConfig } from './types.js';

/** A config file larger than this is refused before parsing (CWE-400). */
const MAX_CONFIG_BYTES = 1024 * 1024;
/** YAML alias expansion bound (billion laughs, CWE-776). */
const MAX_ALIAS_COUNT = 100;
const MAX_ROUTES = 256;

const TOP_KEYS = ['listen', 'admin', 'keys', 'limits', 'upstreams', 'routes', 'audit'] as const;

/** Parses YAML text strictly: duplicate keys and unresolved tags are errors. */
export function parseYaml(text: string, what: string): unknown {
  try {
    return parse(text, { uniqueKeys: true, maxAliasCount: MAX_ALIAS_COUNT, strict: true, prettyErrors: true, customTags: [] });
  } catch (e) {
    throw new GatewayError('E_CONFIG', `${what}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, { cause: e });
  }
}

function readUpstream(value: unknown, path: string, name: string): UpstreamConfig {
  const f = new Fields(value, path, ['url', 'trust', 'timeoutMs', 'idleTimeoutMs', 'maxResponseBytes', 'headers', 'maxSockets']);
  const raw = f.requiredString('url');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw configError(f.at('url'), 'not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw configError(f.at('url'), 'expected http: or https:');
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '')
    throw configError(f.at('url'), 'no credentials, query or fragment in the URL (use headers:)');
  const headers: Record<string, string> = {};
  for (const [h, v] of f.entries(
    'headers',
    (v, p) => {
      if (typeof v !== 'string' || /[\r\n]/.test(v)) throw configError(p, 'expected a one-line string');
      return v;
    },
    /^[A-Za-z0-9-]{1,64}$/,
  )) {
    headers[h.toLowerCase()] = v;
  }
  return {
    name,
    url,
    trust: f.oneOf('trust', ['trusted', 'internal', 'untrusted'] as const, 'untrusted'),
    timeoutMs: f.number('timeoutMs', 60_000, { integer: true, min: 10, max: 3_600_000 }),
    idleTimeoutMs: f.number('idleTimeoutMs', 30_000, { integer: true, min: 10, max: 3_600_000 }),
    maxResponseBytes: f.size('maxResponseBytes', 16 * 1024 * 1024),
    headers,
    maxSockets: f.number('maxSockets', 256, { integer: true, min: 1, max: 100_000 }),
  };
}

export function parseConfig(doc: unknown, baseDir: string): GatewayConfig {
  const f = new Fields(doc ?? {}, '', TOP_KEYS);
  const upstreams = f.entries('upstreams', (v, p, name) => readUpstream(v, p, name), /^[A-Za-z0-9_-]{1,64}$/);
  if (upstreams.size === 0) throw configError('upstreams', 'required (at least one upstream)');
  const routes = f.list('routes', { nonEmpty: true, max: MAX_ROUTES }).map(({ value, path }) => readRoute(value, path, upstreams));
  const seen = new Set<string>();
  routes.forEach((r, i) => {
    if (seen.has(r.path)) throw configError(`routes[${i}].path`, `duplicate route ${r.path}`);
    seen.add(r.path);
  });
  const keys = f.object('keys', ['file']);
  const audit = f.object('audit', ['file', 'hashKeyFile', 'logPrompts']);
  const file = (x: Fields | undefined, k: string): string | undefined => {
    const v = x?.string(k);
    return v === undefined || v === '-' ? v : resolve(baseDir, v);
  };
  const listen = readListener(listenerFields(f.raw('listen') ?? {}, 'listen'), baseDir, 8080);
  const admin = f.has('admin') ? readListener(listenerFields(f.raw('admin'), 'admin'), baseDir, 9090) : undefined;
  if (admin !== undefined && admin.port !== 0 && admin.port === listen.port && admin.host === listen.host) {
    throw configError('admin.port', 'the admin listener needs its own port');
  }
  return {
    listen,
    admin,
    keys: { file: file(keys, 'file') },
    limits: readLimits(
      f.object('limits', [
        'store',
        'redis',
        'onStoreError',
        'perKey',
        'perAddress',
        'daily',
        'maxConcurrent',
        'maxQueue',
        'queueTimeoutMs',
        'maxBodyBytes',
        'bodyIdleTimeoutMs',
      ]),
    ),
    upstreams,
    routes,
    audit: { file: file(audit, 'file'), hashKeyFile: file(audit, 'hashKeyFile'), logPrompts: audit?.boolean('logPrompts', false) ?? false },
    baseDir,
  };
}

export function loadConfig(path: string): GatewayConfig {
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_CONFIG_BYTES) throw new GatewayError('E_CONFIG', `${path}: larger than ${MAX_CONFIG_BYTES} bytes`);
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    if (e instanceof GatewayError) throw e;
    throw new GatewayError('E_CONFIG', `${path}: cannot read (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  return parseConfig(parseYaml(text, path), dirname(resolve(path)));
}
