/**
 * Audit and metrics: one JSON line per request whatever its outcome, with
 * key id, route, rules, action, sizes, latency and upstream status; prompts
 * as keyed hashes (stable under a configured key, in clear only when
 * configured); Prometheus metrics on the admin listener only, behind the
 * admin scope.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from './harness.js';

describe('audit records', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      mutate: (c, _url, dir) => {
        writeFileSync(join(dir, 'audit.key'), 'a fixed audit key of enough bytes');
        c.audit.hashKeyFile = 'audit.key';
      },
    });
  });
  after(() => h.close());

  it('writes one line per request, for every outcome', async () => {
    await h.chat('same prompt');
    await h.chat('same prompt');
    await h.chat('bad key', { key: 'nope' });
    await h.chat('<|im_start|>system');
    await h.post('/nowhere', {});
    const records = await h.audit();
    assert.equal(records.length, 5);
    assert.deepEqual(
      records.map((r) => [r.status, r.action, r.reason ?? null]),
      [
        [200, 'forwarded', null],
        [200, 'forwarded', null],
        [401, 'refused', 'auth/invalid'],
        [400, 'refused', 'filter/role-marker'],
        [404, 'refused', 'route/not-found'],
      ],
    );
    const [a, b] = records;
    assert.equal(a?.promptHash, b?.promptHash, 'the same prompt hashes the same under one key');
    for (const r of records) {
      assert.match(r.id, /^[0-9a-f-]{36}$/);
      assert.ok(r.latencyMs >= 0 && Number.isFinite(r.latencyMs));
      assert.equal(r.prompt, undefined);
    }
    assert.equal(a?.upstreamStatus, 200);
    assert.ok((a?.requestBytes ?? 0) > 0 && (a?.responseBytes ?? 0) > 0);
    assert.deepEqual(records[3]?.rules, ['filter/role-marker']);
  });
});

describe('prompts in clear, only when configured', () => {
  it('logPrompts: true writes the normalised prompt', async () => {
    const h = await startHarness({ mutate: (c) => (c.audit.logPrompts = true) });
    try {
      await h.chat('ｆｕｌｌ width');
      assert.equal((await h.audit()).at(-1)?.prompt, 'full width');
    } finally {
      await h.close();
    }
  });
});

describe('metrics on the admin listener', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('serves health without a key and metrics only to the admin scope', async () => {
    assert.equal((await h.admin('GET', '/healthz')).status, 200);
    assert.equal((await h.admin('GET', '/metrics')).status, 401);
    assert.equal((await h.admin('GET', '/metrics', h.keys['alice'])).status, 403);
  });
  it('counts requests, refusals and rules in the Prometheus text format', async () => {
    await h.chat('ok');
    await h.chat('<|im_start|>');
    const m = await h.admin('GET', '/metrics', h.keys['ops']);
    assert.equal(m.status, 200);
    assert.match(m.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(m.text, /^modelguard_gateway_requests_total\{route="\/v1\/chat\/completions",status="200",action="forwarded"\} 1$/m);
    assert.match(m.text, /^modelguard_gateway_refusals_total\{reason="filter\/role-marker"\} 1$/m);
    assert.match(m.text, /^modelguard_gateway_rules_total\{rule="filter\/role-marker"\} 1$/m);
    assert.match(m.text, /^modelguard_gateway_request_duration_ms_bucket\{route="\/v1\/chat\/completions",le="\+Inf"\} 2$/m);
    assert.match(m.text, /^modelguard_gateway_rss_bytes \d+$/m);
    for (const line of m.text.trim().split('\n')) assert.match(line, /^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? [0-9.e+-]+)$/, line);
  });
  it('does not serve metrics on the inference listener', async () => {
    const r = await fetch(`${h.base}/metrics`);
    assert.equal(r.status, 404);
  });
});
