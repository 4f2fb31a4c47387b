/**
 * The "Bad input": oversized, truncated, malformed, slow (slowloris,
 * slow bodies), header floods, and upstreams that hang, fail or send
 * garbage. Each gets a clear HTTP error (or SSE error event) and an audit
 * record, the gateway keeps serving, and nothing unvalidated reaches the
 * upstream. Raw sockets on loopback; the waits are the gateway's own
 * time-outs (1 s for headers, 0.5 s for a stalled body).
 */
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from './harness.js';

/** Sends `parts` (with `gapMs` between them) and returns everything the gateway wrote before closing. */
function raw(port: number, parts: readonly string[], options: { gapMs?: number; endAfter?: boolean; maxMs?: number } = {}): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    let got = '';
    let i = 0;
    const cap = setTimeout(() => s.destroy(), options.maxMs ?? 5000);
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('close', () => {
      clearTimeout(cap);
      resolve(got);
    });
    s.on('error', () => undefined);
    const next = (): void => {
      if (s.destroyed) return;
      if (i < parts.length) {
        s.write(parts[i++] ?? '');
        setTimeout(next, options.gapMs ?? 0);
      } else if (options.endAfter === true) s.end();
    };
    s.on('connect', next);
  });
}

describe('bad input from clients', () => {
  let h: Harness;
  let port: number;
  let auth: string;
  before(async () => {
    h = await startHarness();
    port = h.gw.address.port;
    auth = `Authorization: Bearer ${h.keys['alice'] ?? ''}\r\n`;
  });
  after(() => h.close());

  const auditReason = async (reason: string): Promise<void> => {
    for (let i = 0; i < 100; i++) {
      if ((await h.audit(0)).some((r) => r.reason === reason)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail(`no audit record with reason ${reason}`);
  };
  const upstreamBefore = (): number => h.upstream.received.length;

  it('times out headers sent a byte at a time (slowloris) with 408', async () => {
    const n = upstreamBefore();
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nX-Slow: ${'a'.repeat(40)}`;
    const out = await raw(port, [...head], { gapMs: 100 });
    assert.match(out, /^HTTP\/1\.1 408 /);
    await auditReason('request/timeout');
    assert.equal(h.upstream.received.length, n);
  });
  it('times out a body that stalls with 408 body/timeout', async () => {
    const body = '{"model":"small-chat","messages":[{"role":"user","content":"hi"}]}';
    const out = await raw(
      port,
      [`POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n${auth}Content-Length: ${body.length}\r\n\r\n`, body.slice(0, 10)],
      { maxMs: 3000 },
    );
    assert.match(out, /^HTTP\/1\.1 408 /);
    assert.match(out, /body\/timeout/);
  });
  it('audits a body cut short when the client goes away', async () => {
    const n = upstreamBefore();
    await raw(
      port,
      [`POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n${auth}Content-Length: 500\r\n\r\n{"model":"small-chat",`],
      { endAfter: true },
    );
    await auditReason('body/truncated');
    assert.equal(h.upstream.received.length, n);
  });
  it('refuses a flood of header fields with 431', async () => {
    const flood = Array.from({ length: 100 }, (_, i) => `X-F${i}: ${i}\r\n`).join('');
    const out = await raw(port, [`POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n${flood}\r\n`]);
    assert.match(out, /^HTTP\/1\.1 431 /);
    assert.match(out, /request\/header-flood/);
  });
  it('refuses an oversized header block with 431', async () => {
    const out = await raw(port, [`POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nX-Big: ${'b'.repeat(20000)}\r\n\r\n`]);
    assert.match(out, /^HTTP\/1\.1 431 /);
    await auditReason('request/headers-too-large');
  });
  it('answers garbage that is not HTTP with 400', async () => {
    const out = await raw(port, ['HELLO THERE\r\n\r\n']);
    assert.match(out, /^HTTP\/1\.1 400 /);
    await auditReason('request/malformed');
  });
  it('refuses an oversized JSON body before parsing it', async () => {
    const r = await h.post('/v1/chat/completions', null, {
      raw: `{"model":"small-chat","messages":[{"role":"user","content":"${'x'.repeat(2 * 1024 * 1024)}"}]}`,
    });
    assert.equal(r.status, 413);
  });
  it('is still up and serving after all of it', async () => {
    assert.equal((await h.admin('GET', '/healthz')).status, 200);
    assert.equal((await h.chat('still there?')).status, 200);
  });
});

describe('bad upstreams', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      mutate: (c) => {
        c.upstreams.llm.timeoutMs = 500;
        c.upstreams.llm.idleTimeoutMs = 400;
        c.upstreams.down = { url: 'http://127.0.0.1:9', trust: 'untrusted' };
        c.routes.push({ path: '/v1/down/chat/completions', kind: 'openai-chat', upstream: 'down', upstreamPath: '/v1/chat/completions' });
      },
    });
  });
  after(() => h.close());

  it('hangs: 504 upstream/timeout', async () => {
    const r = await h.chat('x', { model: 'hang' });
    assert.equal(r.status, 504);
    assert.equal(r.json.error.code, 'upstream/timeout');
  });
  it('garbage JSON: 502 upstream/bad-response', async () => {
    const r = await h.chat('x', { model: 'garbage' });
    assert.equal(r.status, 502);
    assert.equal(r.json.error.code, 'upstream/bad-response');
  });
  it('500 with internals in the body: 502, the body is not relayed', async () => {
    const r = await h.chat('x', { model: 'status-500' });
    assert.equal(r.status, 502);
    assert.equal(r.json.error.code, 'upstream/status');
    assert.equal(r.text.includes('/srv/model'), false);
    assert.equal((await h.audit()).at(-1)?.upstreamStatus, 500);
  });
  it('unreachable: 502 upstream/unreachable', async () => {
    const r = await h.post('/v1/down/chat/completions', { model: 'small-chat', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(r.status, 502);
    assert.equal(r.json.error.code, 'upstream/unreachable');
  });
  it('a stream with a garbage event ends with an error event', async () => {
    const s = await h.streamChat('x', { model: 'bad-sse' });
    assert.deepEqual(
      s.errors.map((e) => e.code),
      ['upstream/bad-response'],
    );
  });
  it('a stream that stalls ends with upstream/timeout; one without [DONE] with upstream/truncated, its text delivered', async () => {
    const stalled = await h.streamChat('x', { model: 'stall-stream' });
    assert.deepEqual(
      stalled.errors.map((e) => e.code),
      ['upstream/timeout'],
    );
    const cut = await h.streamChat('hello', { model: 'no-done' });
    assert.equal(cut.text, 'echo: hello');
    assert.deepEqual(
      cut.errors.map((e) => e.code),
      ['upstream/truncated'],
    );
  });
  it('a stream cut mid-event is reported, not parsed', async () => {
    const server = createServer((s) => {
      s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: {"choices":[{"index":0,"delta":{"content":"par'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const h2 = await startHarness({ mutate: (c) => (c.upstreams.llm.url = `http://127.0.0.1:${port}`) });
    try {
      const s = await h2.streamChat('x');
      assert.deepEqual(
        s.errors.map((e) => e.code),
        ['upstream/bad-response'],
      );
    } finally {
      await h2.close();
      server.close();
    }
  });
  it('a client that goes away mid-request cuts the upstream call and is audited as aborted', async () => {
    const ac = new AbortController();
    const pending = fetch(`${h.base}/v1/chat/completions`, {
      method: 'POST',
      signal: ac.signal,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${h.keys['alice'] ?? ''}` },
      body: JSON.stringify({ model: 'hang', messages: [{ role: 'user', content: 'x' }] }),
    });
    setTimeout(() => {
      ac.abort();
    }, 100);
    await assert.rejects(pending);
    for (let i = 0; i < 100 && !(await h.audit(0)).some((r) => r.reason === 'client/closed'); i++) await new Promise((r) => setTimeout(r, 20));
    const rec = (await h.audit(0)).find((r) => r.reason === 'client/closed');
    assert.equal(rec?.action, 'aborted');
  });
  it('every failure is in the audit log, and the gateway still serves', async () => {
    const reasons = (await h.audit()).map((r) => r.reason);
    for (const want of ['upstream/timeout', 'upstream/bad-response', 'upstream/status', 'upstream/unreachable', 'upstream/truncated'])
      assert.ok(reasons.includes(want), want);
    assert.equal((await h.chat('fine')).status, 200);
  });
});
