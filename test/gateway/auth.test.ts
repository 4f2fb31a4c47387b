/**
 * Authentication end to end: keys only as salted hashes, scopes, model
 * allowlists, expiry, rotation with two secrets, reload without restart.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateApiKey, parseApiKey, parseStoredHash, secretMatches } from '../../src/gateway/auth/key-format.js';
import { startHarness, type Harness } from './harness.js';

describe('API key format', () => {
  it('stores a salted HMAC that verifies only the right secret', () => {
    const a = generateApiKey('alice');
    const b = generateApiKey('alice');
    const parsed = parseApiKey(a.key);
    assert.equal(parsed?.id, 'alice');
    const stored = parseStoredHash(a.hash);
    assert.ok(stored !== undefined);
    assert.equal(secretMatches(parsed?.secret ?? '', stored), true);
    assert.equal(secretMatches(parseApiKey(b.key)?.secret ?? '', stored), false);
    assert.notEqual(a.hash.split(':')[1], b.hash.split(':')[1], 'fresh salt per secret');
    assert.equal(a.hash.includes(parsed?.secret ?? '-'), false);
  });
  it('rejects keys that are not mg_<id>_<43 base64url characters>', () => {
    for (const k of ['', 'mg_alice', 'mg_alice_short', `mg_al_ice_${'A'.repeat(43)}`, `sk-${'A'.repeat(48)}`, `mg_alice_${'A'.repeat(42)}=`])
      assert.equal(parseApiKey(k), undefined, k);
  });
});

describe('authentication', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      keys: [{ id: 'alice' }, { id: 'ops', scopes: ['admin'] }, { id: 'bob', models: ['small-*'] }, { id: 'old', expires: '2001-01-01T00:00:00Z' }],
      mutate: (c) => {
        c.routes[0].models = ['small-chat', 'small-code', 'big-chat'];
      },
    });
  });
  after(() => h.close());

  const reasons = async (key: string | null, model = 'small-chat'): Promise<[number, string | undefined]> => {
    const r = await h.post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] }, { key });
    return [r.status, r.json?.error?.code];
  };

  it('refuses a missing, malformed, unknown or wrong key with 401 and reaches no upstream', async () => {
    const before = h.upstream.received.length;
    assert.deepEqual(await reasons(null), [401, 'auth/missing']);
    assert.deepEqual(await reasons('not-a-key'), [401, 'auth/invalid']);
    assert.deepEqual(await reasons(generateApiKey('mallory').key), [401, 'auth/invalid']);
    assert.deepEqual(await reasons(generateApiKey('alice').key), [401, 'auth/invalid'], 'right id, wrong secret');
    assert.equal(h.upstream.received.length, before);
  });
  it('accepts the key in x-api-key too', async () => {
    const r = await h.post(
      '/v1/chat/completions',
      { model: 'small-chat', messages: [{ role: 'user', content: 'hi' }] },
      { key: null, headers: { 'x-api-key': h.keys['alice'] ?? '' } },
    );
    assert.equal(r.status, 200);
  });
  it('refuses an expired key', async () => {
    assert.deepEqual(await reasons(h.keys['old'] ?? ''), [401, 'auth/expired']);
  });
  it('needs the infer scope on inference routes and the admin scope on admin routes', async () => {
    assert.deepEqual(await reasons(h.keys['ops'] ?? ''), [403, 'auth/scope']);
    assert.equal((await h.admin('GET', '/keys', h.keys['alice'])).status, 403);
    const keys = await h.admin('GET', '/keys', h.keys['ops']);
    assert.equal(keys.status, 200);
    assert.deepEqual((keys.json.keys as { id: string }[]).map((k) => k.id).sort(), ['alice', 'bob', 'old', 'ops']);
    assert.equal(keys.text.includes('hmac-sha256'), false, 'hashes are never listed');
  });
  it('enforces the route and the key model allowlists', async () => {
    assert.deepEqual(await reasons(h.keys['alice'] ?? '', 'gpt-4o'), [403, 'auth/model']);
    assert.deepEqual(await reasons(h.keys['bob'] ?? '', 'small-code'), [200, undefined]);
    assert.deepEqual(await reasons(h.keys['bob'] ?? '', 'big-chat'), [403, 'auth/model']);
  });
  it('reloads keys without a restart; a broken key file keeps the keys in force', async () => {
    const oldAlice = h.keys['alice'] ?? '';
    const fresh = h.writeKeys([{ id: 'alice' }, { id: 'ops', scopes: ['admin'] }]);
    assert.equal((await h.chat('hi', { key: fresh['alice'] ?? '' })).status, 401, 'not before the reload');
    const r = await h.admin('POST', '/reload', h.keys['ops']);
    assert.equal(r.status, 200);
    assert.equal(r.json.keys, 2);
    assert.equal((await h.chat('hi', { key: fresh['alice'] ?? '' })).status, 200);
    assert.equal((await h.chat('hi', { key: oldAlice })).status, 401);
    writeFileSync(join(h.dir, 'keys.yaml'), 'keys:\n  - id: alice\n    secrets: [{hash: nope}]\n');
    const broken = await h.admin('POST', '/reload', fresh['ops']);
    assert.equal(broken.status, 500);
    assert.equal(broken.json.error.code, 'admin/failed');
    assert.equal((await h.chat('hi', { key: fresh['alice'] ?? '' })).status, 200, 'previous keys still in force');
    const reloads = await h.admin('GET', '/metrics', fresh['ops']);
    assert.match(reloads.text, /modelguard_gateway_reloads_total\{result="failed"\} 1/);
  });
  it('rotates: two secrets work side by side until the old one expires', async () => {
    const ops = generateApiKey('ops');
    const previous = generateApiKey('rot');
    const current = generateApiKey('rot');
    const expired = generateApiKey('rot');
    writeFileSync(
      join(h.dir, 'keys.yaml'),
      [
        'keys:',
        '  - id: ops',
        '    scopes: [admin]',
        `    secrets: [{hash: "${ops.hash}"}]`,
        '  - id: rot',
        '    secrets:',
        `      - hash: ${current.hash}`,
        `      - hash: ${previous.hash}`,
        '        expires: 2999-01-01T00:00:00Z',
        `      - hash: ${expired.hash}`,
        '        expires: 2001-01-01T00:00:00Z',
        '',
      ].join('\n'),
    );
    assert.equal((await h.admin('POST', '/reload', ops.key)).status, 401, 'not in force before the reload');
    await h.gw.reload();
    assert.equal((await h.admin('GET', '/keys', ops.key)).status, 200);
    assert.equal((await h.chat('hi', { key: current.key })).status, 200);
    assert.equal((await h.chat('hi', { key: previous.key })).status, 200);
    const r = await h.chat('hi', { key: expired.key });
    assert.equal(r.status, 401);
    assert.equal(r.json.error.code, 'auth/expired');
  });
});
