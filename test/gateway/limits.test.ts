/**
 * Limits end to end (in-memory store): token buckets per key and per
 * address with 429 + Retry-After + RateLimit-*, daily quotas, character and
 * token budgets charged after the response, bounded concurrency and queue,
 * body size while reading, upstream time-outs. Rates are chosen so that no
 * refill can happen during a test (no timing assumptions).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { lastAudit, startHarness, type Harness } from './harness.js';

describe('per-key and per-address token buckets', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      keys: [{ id: 'alice' }, { id: 'bob' }, { id: 'vip', limits: { perKey: { perMinute: 0.001, burst: 5 } } }],
      mutate: (c) => {
        c.limits.perKey = { perMinute: 0.001, burst: 2 };
      },
    });
  });
  after(() => h.close());

  it('allows a burst, then answers 429 with Retry-After and RateLimit headers', async () => {
    const a = await h.chat('one');
    assert.equal(a.status, 200);
    assert.equal(a.headers.get('ratelimit-limit'), '2');
    assert.equal(a.headers.get('ratelimit-remaining'), '1');
    assert.equal((await h.chat('two')).status, 200);
    const before = h.upstream.received.length;
    const r = await h.chat('three');
    assert.equal(r.status, 429);
    assert.equal(r.json.error.code, 'limit/key-rate');
    assert.ok(Number(r.headers.get('retry-after')) >= 1);
    assert.equal(r.headers.get('ratelimit-remaining'), '0');
    assert.ok(Number(r.headers.get('ratelimit-reset')) > 0);
    assert.equal(h.upstream.received.length, before);
  });
  it('keeps buckets per key, and a key can carry its own limits', async () => {
    assert.equal((await h.chat('x', { key: h.keys['bob'] ?? '' })).status, 200);
    for (let i = 0; i < 5; i++) assert.equal((await h.chat('x', { key: h.keys['vip'] ?? '' })).status, 200);
    assert.equal((await h.chat('x', { key: h.keys['vip'] ?? '' })).status, 429);
  });
});

describe('per-address bucket', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ mutate: (c) => (c.limits.perAddress = { perSecond: 0.0001, burst: 3 }) });
  });
  after(() => h.close());
  it('throttles an address before authentication (bad keys count too)', async () => {
    assert.equal((await h.chat('a', { key: 'bad' })).status, 401);
    assert.equal((await h.chat('b', { key: 'bad' })).status, 401);
    assert.equal((await h.chat('c')).status, 200);
    const r = await h.chat('d');
    assert.equal(r.status, 429);
    assert.equal(r.json.error.code, 'limit/address-rate');
  });
});

describe('daily quotas and budgets charged after the response', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      keys: [{ id: 'alice' }, { id: 'chars', limits: { daily: { chars: 30 } } }, { id: 'tokens', limits: { daily: { tokens: 20 } } }],
      mutate: (c) => (c.limits.daily = { requests: 2 }),
    });
  });
  after(() => h.close());

  it('counts requests per day', async () => {
    assert.equal((await h.chat('1')).status, 200);
    assert.equal((await h.chat('2')).status, 200);
    const r = await h.chat('3');
    assert.equal(r.status, 429);
    assert.equal(r.json.error.code, 'limit/daily-requests');
    assert.ok(Number(r.headers.get('retry-after')) > 0 && Number(r.headers.get('retry-after')) <= 86400);
  });
  it('charges characters after the response: the request that crosses the budget is served, the next is refused', async () => {
    const first = await h.chat('a prompt of about thirty characters', { key: h.keys['chars'] ?? '' });
    assert.equal(first.status, 200);
    const r = await h.chat('more', { key: h.keys['chars'] ?? '' });
    assert.equal(r.status, 429);
    assert.equal(r.json.error.code, 'limit/daily-chars');
  });
  it('charges the tokens the upstream reports (usage.total_tokens = 18)', async () => {
    assert.equal((await h.chat('x', { key: h.keys['tokens'] ?? '' })).status, 200);
    assert.equal((await h.chat('x', { key: h.keys['tokens'] ?? '' })).status, 200, '18 < 20: still open');
    const r = await h.chat('x', { key: h.keys['tokens'] ?? '' });
    assert.equal(r.status, 429);
    assert.equal(r.json.error.code, 'limit/daily-tokens');
  });
});

describe('concurrency, queue and upstream time-outs', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      mutate: (c) => {
        c.limits.maxConcurrent = 1;
        c.limits.maxQueue = 1;
        c.limits.queueTimeoutMs = 300;
        c.upstreams.llm.timeoutMs = 600;
      },
    });
  });
  after(() => h.close());

  it('queues one request, refuses the next at once, times out a hanging upstream with 504', async () => {
    const hanging = h.chat('hold the only slot', { model: 'hang' });
    await new Promise((r) => setTimeout(r, 50));
    const queued = h.chat('wait in the queue');
    await new Promise((r) => setTimeout(r, 50));
    const full = await h.chat('no room');
    assert.equal(full.status, 503);
    assert.equal(full.json.error.code, 'limit/queue-full');
    const q = await queued;
    assert.equal(q.status, 503);
    assert.equal(q.json.error.code, 'limit/queue-timeout');
    const hung = await hanging;
    assert.equal(hung.status, 504);
    assert.equal(hung.json.error.code, 'upstream/timeout');
    assert.equal((await h.chat('the slot is free again')).status, 200);
  });
});

describe('body size, enforced while reading', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ mutate: (c) => (c.limits.maxBodyBytes = 2048) });
  });
  after(() => h.close());

  it('refuses a declared Content-Length over the limit with 413', async () => {
    const r = await h.chat('x'.repeat(5000));
    assert.equal(r.status, 413);
    assert.equal(r.json.error.code, 'body/too-large');
  });
  it('refuses a chunked body at the first byte over the limit, without reading the rest', async () => {
    const port = h.gw.address.port;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/chat/completions',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${h.keys['alice'] ?? ''}`, 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('{"model":"small-chat","messages":[{"role":"user","content":"');
      // Keep sending until the gateway answers; it must answer long before 1 MB.
      let sent = 0;
      const pump = (): void => {
        if (sent > 1024 * 1024 || req.destroyed) return;
        sent += 4096;
        if (req.write('y'.repeat(4096))) setImmediate(pump);
        else req.once('drain', pump);
      };
      pump();
    });
    assert.equal(status, 413);
    const rec = await lastAudit(h, 2);
    assert.equal(rec.reason, 'body/too-large');
  });
});
