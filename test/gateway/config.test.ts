/**
 * Configuration: YAML parsed strictly and validated key by key; errors name
 * the path of the bad key. The complete example in docs/gateway.md is
 * itself checked here, so the documentation cannot drift from the code.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseKeyFile } from '../../src/gateway/auth/key-file.js';
import { parseConfig, parseYaml } from '../../src/gateway/config/load.js';
import { GatewayError } from '../../src/gateway/errors.js';
import { ROOT } from '../helpers.js';
import type { Config } from './harness.js';

const base = (): Config => ({
  upstreams: { u: { url: 'http://127.0.0.1:8000' } },
  routes: [{ path: '/v1/chat/completions', kind: 'openai-chat', upstream: 'u' }],
});

function configError(mutate: (c: Config) => void): string {
  const c = base();
  mutate(c);
  try {
    parseConfig(c, '/');
  } catch (e) {
    assert.ok(e instanceof GatewayError);
    assert.equal(e.code, 'E_CONFIG');
    return e.message;
  }
  assert.fail('expected E_CONFIG');
}

describe('gateway configuration', () => {
  it('fills defaults: loopback, memory store, no admin listener', () => {
    const c = parseConfig(base(), '/');
    assert.equal(c.listen.host, '127.0.0.1');
    assert.equal(c.listen.allowPublic, false);
    assert.equal(c.admin, undefined);
    assert.equal(c.limits.store, 'memory');
    assert.equal(c.routes[0]?.filter.roleSpoofing, 'reject');
    assert.equal(c.routes[0]?.sensitive.request.secret, 'block');
  });
  it('rejects unknown keys, naming their path', () => {
    assert.match(
      configError((c) => (c['listn'] = {})),
      /^listn: unknown key/,
    );
    assert.match(
      configError((c) => (c['routes'][0].filter = { htmll: 'escape' })),
      /^routes\[0\]\.filter\.htmll: unknown key/,
    );
    assert.match(
      configError((c) => (c['limits'] = { perKey: { perMinute: 1, bursts: 2 } })),
      /^limits\.perKey\.bursts: unknown key/,
    );
  });
  it('rejects bad values with their path', () => {
    assert.match(
      configError((c) => (c['limits'] = { perKey: { perMinute: 1, burst: -1 } })),
      /^limits\.perKey\.burst: expected a number >= 1/,
    );
    assert.match(
      configError((c) => (c['routes'][0].upstream = 'nope')),
      /^routes\[0\]\.upstream: no upstream named "nope"/,
    );
    assert.match(
      configError((c) => (c['routes'][0].kind = 'grpc')),
      /^routes\[0\]\.kind: expected one of/,
    );
    assert.match(
      configError((c) => (c['upstreams'].u.url = 'ftp://x')),
      /^upstreams\.u\.url: expected http: or https:/,
    );
    assert.match(
      configError((c) => (c['upstreams'].u.url = 'http://user:pw@x')),
      /^upstreams\.u\.url: no credentials/,
    );
    assert.match(
      configError((c) => (c['listen'] = { host: 'example.com' })),
      /^listen\.host:/,
    );
    assert.match(
      configError((c) => (c['limits'] = { maxBodyBytes: '12 parsecs' })),
      /^limits\.maxBodyBytes: expected a size/,
    );
    assert.match(
      configError((c) => (c['limits'] = { store: 'redis' })),
      /^limits\.redis: required/,
    );
    assert.match(
      configError((c) => c['routes'].push({ path: '/v1/chat/completions', kind: 'openai-chat', upstream: 'u' })),
      /^routes\[1\]\.path: duplicate route/,
    );
    assert.match(
      configError((c) => c['routes'].push({ path: '/x', kind: 'json', upstream: 'u' })),
      /^routes\[1\]\.schema: required/,
    );
    assert.match(
      configError((c) =>
        c['routes'].push({ path: '/x', kind: 'json', upstream: 'u', schema: { type: 'object', properties: { a: { type: 'string', maxLenght: 3 } } } }),
      ),
      /^routes\[1\]\.schema\.properties\.a\.maxLenght: unknown key/,
    );
    assert.match(
      configError((c) => c['routes'].push({ path: '/v2/infer', kind: 'kserve-v2', upstream: 'u' })),
      /^routes\[1\]\.path: kserve-v2 routes name the model/,
    );
    assert.match(
      configError((c) => (c['admin'] = { port: 8080 })),
      /^admin\.port: the admin listener needs its own port/,
    );
  });
  it('parses YAML strictly: duplicate keys and alias bombs are errors', () => {
    assert.throws(
      () => parseYaml('a: 1\na: 2\n', 'x.yaml'),
      (e: unknown) => e instanceof GatewayError && e.code === 'E_CONFIG',
    );
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      ),
    ].join('\n');
    assert.throws(
      () => parseYaml(bomb, 'bomb.yaml'),
      (e: unknown) => e instanceof GatewayError && e.code === 'E_CONFIG',
    );
  });

  const yamlBlocks = (): string[] => [...readFileSync(join(ROOT, 'docs', 'gateway.md'), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  it('accepts the complete example of docs/gateway.md', () => {
    const [config] = yamlBlocks();
    const c = parseConfig(parseYaml(config ?? '', 'docs/gateway.md'), '/srv/gateway');
    assert.equal(c.routes.length, 4);
    assert.equal(c.listen.tls?.clientCa, '/srv/gateway/tls/clients-ca.pem');
    assert.equal(c.limits.perKey?.ratePerSec, 1);
    assert.equal(c.limits.maxBodyBytes, 1024 * 1024);
    assert.equal(c.routes[1]?.validation.tensors.get('input-0')?.max, 10);
    assert.equal(c.routes[1]?.steal.prada?.action, 'block');
    assert.equal(c.audit.file, '/srv/gateway/audit.jsonl');
  });
  it('accepts the key file example of docs/gateway.md', () => {
    const [, keys] = yamlBlocks();
    const k = parseKeyFile(parseYaml(keys ?? '', 'keys'));
    assert.deepEqual([...k.keys()], ['alice', 'ops']);
    assert.equal(k.get('alice')?.daily?.tokens, 500000);
    assert.equal(k.get('alice')?.expires, Date.parse('2026-12-31T00:00:00Z'));
  });
});
