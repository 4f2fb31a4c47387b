/**
 * Shared limits in a real Redis: two gateway replicas draw from one token
 * bucket and one daily quota; character budgets are charged there; a store
 * that is down refuses (503) or, if configured, lets requests through.
 * Also the RESP parser on its own: replies split at every byte, and bounds.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { encodeCommand, parseReply, RespError } from '../../src/gateway/limits/resp.js';
import { RedisStore } from '../../src/gateway/limits/redis-store.js';
import { startHarness, type Config, type Harness } from './harness.js';
import { startRedis, type TestRedis } from './redis-server.js';
import { startUpstream, type TestUpstream } from './upstream.js';

describe('RESP parsing', () => {
  const reply = Buffer.from('*3\r\n:1\r\n$5\r\nhello\r\n*2\r\n+OK\r\n-ERR bad\r\n');
  it('parses nested replies and waits for the rest when a reply is cut anywhere', () => {
    for (let cut = 0; cut < reply.length; cut++) {
      assert.equal(typeof parseReply(reply.subarray(0, cut), 0), 'symbol', `cut at ${cut}`);
    }
    const r = parseReply(reply, 0);
    assert.notEqual(typeof r, 'symbol');
    if (typeof r === 'symbol') return;
    assert.equal(r.end, reply.length);
    const v = r.value as unknown[];
    assert.deepEqual(v.slice(0, 2), [1, 'hello']);
    assert.ok((v[2] as unknown[])[1] instanceof RespError);
  });
  it('refuses oversized or malformed replies', () => {
    assert.throws(() => parseReply(Buffer.from('$999999999\r\n'), 0));
    assert.throws(() => parseReply(Buffer.from('*99999\r\n'), 0));
    assert.throws(() => parseReply(Buffer.from(':12x\r\n'), 0));
    assert.throws(() => parseReply(Buffer.from('?\r\n'), 0));
    assert.throws(() => parseReply(Buffer.from('*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n'), 0));
  });
  it('encodes commands as arrays of bulk strings (binary-safe)', () => {
    assert.equal(encodeCommand(['GET', 'k\r\n']).toString(), '*2\r\n$3\r\nGET\r\n$3\r\nk\r\n\r\n');
  });
});

describe('shared limits in Redis', () => {
  let redis: TestRedis;
  let upstream: TestUpstream;
  let a: Harness;
  let b: Harness;
  const prefix = `mgtest:${randomBytes(4).toString('hex')}:`;
  const shared = (c: Config): void => {
    c.limits.store = 'redis';
    c.limits.redis = { host: redis.host, port: redis.port, prefix };
    c.limits.perKey = { perMinute: 0.001, burst: 3 };
  };
  before(async () => {
    redis = await startRedis();
    upstream = await startUpstream();
    const keys = [{ id: 'alice' }, { id: 'bob', limits: { daily: { requests: 2 } } }, { id: 'carol', limits: { daily: { chars: 20 } } }];
    a = await startHarness({ upstream, keys, mutate: shared });
    b = await startHarness({ upstream, keys, mutate: shared });
  });
  after(async () => {
    await a.close();
    await b.close();
    await upstream.close();
    await redis.stop();
  });

  it('two replicas share one token bucket per key', async () => {
    assert.equal((await a.chat('1')).status, 200);
    assert.equal((await b.chat('2', { key: b.keys['alice'] ?? '' })).status, 200);
    assert.equal((await a.chat('3')).status, 200);
    const r = await b.chat('4', { key: b.keys['alice'] ?? '' });
    assert.equal(r.status, 429);
    assert.equal(r.json.error.code, 'limit/key-rate');
    assert.equal(r.headers.get('ratelimit-remaining'), '0');
  });
  it('two replicas share the daily request quota', async () => {
    assert.equal((await a.chat('1', { key: a.keys['bob'] ?? '' })).status, 200);
    assert.equal((await b.chat('2', { key: b.keys['bob'] ?? '' })).status, 200);
    const r = await a.chat('3', { key: a.keys['bob'] ?? '' });
    assert.equal(r.json.error.code, 'limit/daily-requests');
  });
  it('charges characters in Redis after the response', async () => {
    assert.equal((await a.chat('twenty characters or more', { key: a.keys['carol'] ?? '' })).status, 200);
    const r = await b.chat('x', { key: b.keys['carol'] ?? '' });
    assert.equal(r.json.error.code, 'limit/daily-chars');
  });
  it('keeps state under the configured prefix with an expiry', async () => {
    const store = new RedisStore({ host: redis.host, port: redis.port, prefix, timeoutMs: 500, password: undefined });
    try {
      assert.equal(await store.add('probe', 5, 60), 5);
      assert.equal(await store.add('probe', 2, 60), 7);
      assert.equal(await store.get('probe'), 7);
      assert.equal(await store.get('absent'), 0);
    } finally {
      await store.close();
    }
  });
});

describe('limit store down', () => {
  it('refuses with 503 by default, lets requests through with onStoreError: allow', async () => {
    const down =
      (allow: boolean) =>
      (c: Config): void => {
        c.limits.store = 'redis';
        c.limits.redis = { host: '127.0.0.1', port: 9, timeoutMs: 200 };
        c.limits.perKey = { perSecond: 10 };
        if (allow) c.limits.onStoreError = 'allow';
      };
    const deny = await startHarness({ mutate: down(false) });
    try {
      const r = await deny.chat('x');
      assert.equal(r.status, 503);
      assert.equal(r.json.error.code, 'limit/store-unavailable');
    } finally {
      await deny.close();
    }
    const open = await startHarness({ mutate: down(true) });
    try {
      assert.equal((await open.chat('x')).status, 200);
    } finally {
      await open.close();
    }
  });
});
