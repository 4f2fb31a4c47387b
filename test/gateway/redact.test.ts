/**
 * Sensitive data: recognisers with their validators (checksum-valid values
 * found, the same values with a broken check digit not), recall and
 * precision on the generated labelled set, and the three actions end to
 * end: placeholder-and-restore (also across streamed chunks), redact, block.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findSensitive } from '../../src/gateway/redact/find.js';
import { ibanMod97Valid, luhnValid } from '../../src/gateway/redact/checksums.js';
import type { SensitiveCategory } from '../../src/gateway/config/types.js';
import { precision, recall, score } from './redact-score.js';
import { startHarness, type Harness } from './harness.js';

const ALL = new Set<SensitiveCategory>(['email', 'phone', 'card', 'iban', 'national-id', 'ip', 'secret']);
const types = (text: string): string[] => findSensitive(text, ALL).map((m) => m.type);

describe('check digits', () => {
  it('Luhn and IBAN MOD 97-10 on published examples', () => {
    assert.equal(luhnValid('4111111111111111'), true);
    assert.equal(luhnValid('4111111111111112'), false);
    assert.equal(ibanMod97Valid('GB82WEST12345698765432'), true);
    assert.equal(ibanMod97Valid('GB82WEST12345698765433'), false);
    assert.equal(ibanMod97Valid('DE89370400440532013000'), true);
  });
});

describe('recognisers on known values', () => {
  const cases: [string, string[]][] = [
    ['card 4111 1111 1111 1111 ok', ['card']],
    ['card 4111 1111 1111 1112 ok', []],
    ['IBAN DE89 3704 0044 0532 0130 00 please', ['iban']],
    ['IBAN BE68 5390 0754 7034 NEXT', ['iban']],
    ['IBAN DE89 3704 0044 0532 0130 01', []],
    ['mail jane.doe+tag@example.co.uk now', ['email']],
    ['ssn 078-05-1120', ['us-ssn']],
    ['ssn 666-05-1120', []],
    ['DNI 12345678Z', ['es-dni']],
    ['DNI 12345678A', []],
    ['NIE X1234567L', ['es-dni']],
    ['codice fiscale RSSMRA85T10A562S', ['it-cf']],
    ['codice fiscale RSSMRA85T10A562T', []],
    ['HETU 131052-308T', ['fi-hetu']],
    ['HETU 131052-308U', []],
    ['NINO AB 12 34 56 C', ['uk-nino']],
    ['NINO QQ 12 34 56 C', []],
    ['my BSN is 111222333', ['nl-bsn']],
    ['order 111222333 shipped', []],
    ['PESEL 44051401359', ['pl-pesel']],
    ['PESEL 44051401358', []],
    ['ip 192.168.1.20 and ::ffff:10.0.0.1', ['ipv4', 'ipv6']],
    ['version 1.2.3.4.5 and 999.1.1.1', []],
    ['AKIAIOSFODNN7EXAMPLE', ['aws-access-key-id']],
    [`token ghp_${'a1B2c3D4e5'.repeat(3)}abcdef`, ['github-token']],
    ['xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', ['slack-token']],
    ['-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----', ['private-key']],
    ['sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', []],
  ];
  for (const [text, want] of cases) {
    it(`${JSON.stringify(text.slice(0, 40))} -> ${want.join(',') || 'nothing'}`, () => {
      assert.deepEqual(types(text), want);
    });
  }
});

describe('labelled set (checksum-valid and -invalid values, look-alikes)', () => {
  it('recall and precision are at least 0.99 overall and no checksum-invalid value is flagged', () => {
    const s = score();
    assert.ok(recall(s.total) >= 0.99, `recall ${recall(s.total)}`);
    assert.ok(precision(s.total) >= 0.99, `precision ${precision(s.total)}`);
    for (const [label, row] of s.byLabel) if (label.startsWith('invalid:') || label.startsWith('negative:')) assert.equal(row.fp, 0, label);
  });
});

describe('sensitive data end to end', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      mutate: (c, url) => {
        c.routes[0].canary = false;
        c.upstreams.internal = { url, trust: 'trusted' };
        c.routes.push({
          path: '/v1/internal/chat/completions',
          kind: 'openai-chat',
          upstream: 'internal',
          upstreamPath: '/v1/chat/completions',
          canary: false,
        });
        c.routes.push({
          path: '/v1/redacting/chat/completions',
          kind: 'openai-chat',
          upstream: 'llm',
          upstreamPath: '/v1/chat/completions',
          canary: false,
          sensitive: { request: { default: 'redact' } },
        });
      },
    });
  });
  after(() => h.close());

  it('placeholder-and-restore: the untrusted upstream sees <EMAIL_1>, the client gets the address back', async () => {
    const r = await h.chat('Write to jane.doe@example.com and jane.doe@example.com, card 4111 1111 1111 1111.');
    assert.equal(r.status, 200);
    const seen = (h.upstream.received.at(-1)?.body['messages'] as { content: string }[])[0]?.content;
    assert.equal(seen, 'Write to <EMAIL_1> and <EMAIL_1>, card <CARD_1>.');
    assert.equal(r.json.choices[0].message.content, 'echo: Write to jane.doe@example.com and jane.doe@example.com, card 4111 1111 1111 1111.');
  });
  it('restores placeholders split across streamed chunks, at any chunk size', async () => {
    for (const size of [1, 2, 3, 5, 8]) {
      h.upstream.chunkSize = size;
      const s = await h.streamChat('mail bob@example.org or call +44 20 7946 0958');
      assert.equal(s.text, 'echo: mail bob@example.org or call +44 20 7946 0958', `chunk size ${size}`);
    }
    h.upstream.chunkSize = 4;
  });
  it('never restores a placeholder the client wrote itself', async () => {
    const r = await h.chat('literal <EMAIL_1> and real ann@example.com');
    const seen = (h.upstream.received.at(-1)?.body['messages'] as { content: string }[])[0]?.content;
    assert.equal(seen, 'literal <EMAIL_1> and real <EMAIL_2>');
    assert.equal(r.json.choices[0].message.content, 'echo: literal <EMAIL_1> and real ann@example.com');
  });
  it('blocks secrets on the way to an untrusted upstream (400 sensitive/<type>)', async () => {
    const before = h.upstream.received.length;
    const r = await h.chat('my key is AKIAIOSFODNN7EXAMPLE, debug this');
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'sensitive/aws-access-key-id');
    assert.equal(h.upstream.received.length, before);
  });
  it('redacts where the route says so', async () => {
    await h.post('/v1/redacting/chat/completions', { model: 'small-chat', messages: [{ role: 'user', content: 'IBAN GB82 WEST 1234 5698 7654 32 pls' }] });
    assert.equal((h.upstream.received.at(-1)?.body['messages'] as { content: string }[])[0]?.content, 'IBAN [REDACTED_IBAN] pls');
  });
  it('redacts sensitive data the model writes in its response', async () => {
    h.upstream.script('Sure, use card 5555 5555 5555 4444 and token ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.');
    const r = await h.chat('give me test data');
    assert.equal(r.json.choices[0].message.content, 'Sure, use card [REDACTED_CARD] and token [REDACTED_SECRET].');
  });
  it('a trusted upstream receives the data as is', async () => {
    await h.post('/v1/internal/chat/completions', { model: 'small-chat', messages: [{ role: 'user', content: 'mail jane@example.com' }] });
    assert.equal((h.upstream.received.at(-1)?.body['messages'] as { content: string }[])[0]?.content, 'mail jane@example.com');
  });
});
