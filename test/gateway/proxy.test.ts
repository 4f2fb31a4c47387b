/**
 * The gateway passes what it must: chat (whole and streamed), completions,
 * KServe v2 and TorchServe requests reach the upstream as validated JSON,
 * and the answers come back. Over real HTTP on loopback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lastAudit, startHarness, type Harness } from './harness.js';

describe('gateway passes valid traffic', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('relays a chat completion and audits it with a prompt hash, not the prompt', async () => {
    const r = await h.chat('What is the capital of France?');
    assert.equal(r.status, 200);
    assert.equal(r.json.choices[0].message.content, 'echo: What is the capital of France?');
    assert.equal(r.json.choices[0].logprobs, undefined, 'logprobs removed unless the route allows them');
    const got = h.upstream.received.at(-1);
    assert.equal(got?.path, '/v1/chat/completions');
    assert.equal(got?.headers['content-type'], 'application/json');
    const rec = await lastAudit(h, 1);
    assert.equal(rec.action, 'forwarded');
    assert.equal(rec.status, 200);
    assert.equal(rec.keyId, 'alice');
    assert.equal(rec.route, '/v1/chat/completions');
    assert.match(rec.promptHash ?? '', /^hmac-sha256:[0-9a-f]{64}$/);
    assert.equal(rec.prompt, undefined);
    assert.equal(JSON.stringify(rec).includes('capital of France'), false);
    assert.equal(rec.tokens, 18);
  });

  it('plants a canary in the system prompt by default on chat routes', async () => {
    await h.chat('hello');
    const messages = h.upstream.received.at(-1)?.body['messages'] as { role: string; content: string }[];
    assert.equal(messages[0]?.role, 'system');
    assert.match(messages[0]?.content ?? '', /mgc[0-9a-f]{16}/);
  });

  it('streams a chat completion as SSE, chunk by chunk, ending with [DONE]', async () => {
    const s = await h.streamChat('stream me a fairly long answer please, long enough to span many chunks of output');
    assert.equal(s.status, 200);
    assert.equal(s.text, 'echo: stream me a fairly long answer please, long enough to span many chunks of output');
    assert.equal(s.events.at(-1), '[DONE]');
    assert.ok(s.events.length > 5, 'several events, not one buffered blob');
    assert.deepEqual(s.errors, []);
  });

  it('relays completions', async () => {
    const r = await h.post('/v1/completions', { model: 'small-chat', prompt: 'Once upon a time', max_tokens: 16 });
    assert.equal(r.status, 200);
    assert.equal(r.json.choices[0].text, 'echo: Once upon a time');
  });

  it("relays KServe v2 inference with the route's rounding applied", async () => {
    const r = await h.post('/v2/models/iris/infer', { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] });
    assert.equal(r.status, 200);
    assert.deepEqual(
      (r.json.outputs as { name: string }[]).map((o) => o.name),
      ['probabilities'],
    );
    assert.deepEqual(r.json.outputs[0].data, [0.12, 0.65, 0.2, 0.02]);
    assert.equal(h.upstream.received.at(-1)?.path, '/v2/models/iris/infer');
  });

  it('relays TorchServe predictions with top-k and rounding', async () => {
    const r = await h.post('/predictions/resnet', { data: 'a picture of a cat' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { tabby: 0.41, tiger_cat: 0.33 });
  });
});
