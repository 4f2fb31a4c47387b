/**
 * `modelguard sign sigstore` through the CLI dispatcher against the mock
 * services, `verify sigstore --trust-config` on what it wrote; and the
 * pieces that choose the token and the services.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/dispatch.js';
import { ModelguardError } from '../../src/errors.js';
import { tokenSource } from '../../src/sign/oidc.js';
import { PUBLIC_GOOD_SERVICES, servicesFromConfig } from '../../src/sign/signing-config.js';
import { memoryIO } from '../helpers.js';
import { tmp } from './env.js';
import { CI_BEARER, MOCK_ISSUER, startMockSigstore, type MockSigstore } from './mock-sigstore.js';

const ALICE = 'alice@example.com';

async function cli(cwd: string, env: Record<string, string>, ...args: string[]) {
  const io = Object.assign(memoryIO(env), { cwd });
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

const isUsage = (e: unknown): boolean => e instanceof ModelguardError && e.code === 'E_USAGE';

describe('sign sigstore (CLI) against mock Sigstore services', () => {
  let mock: MockSigstore;
  let dir: string;

  before(async () => {
    mock = await startMockSigstore(ALICE);
    dir = tmp('mg-keyless-cli-');
    mkdirSync(join(dir, 'model'));
    writeFileSync(join(dir, 'model', 'weights.bin'), 'weights');
    writeFileSync(join(dir, 'trust.json'), JSON.stringify(mock.clientTrustConfig()));
  });
  after(() => mock.close());

  const verify = (identity: string, sig: string) =>
    cli(dir, {}, 'verify', 'sigstore', 'model', '--identity', identity, '--identity-provider', MOCK_ISSUER, '--trust-config', 'trust.json', '--signature', sig);

  it('--trust-config and --identity-token: writes model/model.sig, which verify sigstore --trust-config accepts', async () => {
    const r = await cli(dir, {}, 'sign', 'sigstore', 'model', '--trust-config', 'trust.json', '--identity-token', mock.token());
    assert.equal(r.code, 0, r.err);
    assert.ok(existsSync(join(dir, 'model', 'model.sig')));
    assert.equal((await verify(ALICE, 'model/model.sig')).code, 0);
    assert.equal((await verify('mallory@example.com', 'model/model.sig')).code, 1);
    writeFileSync(join(dir, 'model', 'weights.bin'), 'weightz');
    assert.equal((await verify(ALICE, 'model/model.sig')).code, 1);
    writeFileSync(join(dir, 'model', 'weights.bin'), 'weights');
  });

  it('--fulcio-url/--rekor-url with the GitHub Actions token; --no-use-ambient-credentials ignores it', async () => {
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: mock.tokenUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: CI_BEARER };
    const r = await cli(dir, env, 'sign', 'sigstore', 'model', '--fulcio-url', mock.url, '--rekor-url', mock.url, '--signature', 'ci.sig');
    assert.equal(r.code, 0, r.err);
    assert.equal((await verify(ALICE, 'ci.sig')).code, 0);
    const off = await cli(
      dir,
      env,
      'sign',
      'sigstore',
      'model',
      '--fulcio-url',
      mock.url,
      '--rekor-url',
      mock.url,
      '--signature',
      'off.sig',
      '--no-use-ambient-credentials',
    );
    assert.equal(off.code, 2);
    assert.match(off.err, /E_USAGE/);
    assert.equal(existsSync(join(dir, 'off.sig')), false);
  });

  it('conflicting or incomplete service flags, and no token, exit 2 and write nothing', async () => {
    const t = mock.token();
    for (const args of [
      ['--trust-config', 'trust.json', '--fulcio-url', mock.url],
      ['--fulcio-url', mock.url],
      ['--tsa-url', mock.url],
      ['--trust-config', 'missing.json'],
    ]) {
      const r = await cli(dir, {}, 'sign', 'sigstore', 'model', '--identity-token', t, '--signature', 'bad.sig', ...args);
      assert.equal(r.code, 2, args.join(' '));
    }
    assert.equal((await cli(dir, {}, 'sign', 'sigstore', 'model', '--trust-config', 'trust.json', '--signature', 'bad.sig')).code, 2);
    assert.equal(existsSync(join(dir, 'bad.sig')), false);
  });
});

describe('token precedence', () => {
  const tok = (email: string): string => `e30.${Buffer.from(JSON.stringify({ email, email_verified: true })).toString('base64url')}.c2ln`;
  const gh = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/token', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x' };

  it('explicit, then SIGSTORE_ID_TOKEN, then GitHub Actions', () => {
    assert.deepEqual(tokenSource({ identityToken: tok('a@x'), env: { SIGSTORE_ID_TOKEN: tok('b@x'), ...gh } }), { kind: 'static', token: tok('a@x') });
    assert.deepEqual(tokenSource({ env: { SIGSTORE_ID_TOKEN: tok('b@x'), ...gh } }), { kind: 'static', token: tok('b@x') });
    assert.deepEqual(tokenSource({ env: gh }), { kind: 'github', url: gh.ACTIONS_ID_TOKEN_REQUEST_URL, bearer: 'x' });
    assert.throws(() => tokenSource({ env: {} }), isUsage);
  });

  it('tokens Fulcio could not certify are usage errors that do not echo the token', () => {
    const unverified = `e30.${Buffer.from(JSON.stringify({ email: 'a@x', email_verified: false })).toString('base64url')}.c2ln`;
    for (const t of [unverified, 'e30.e30.c2ln', 'secret-not-a-jwt', 'a.b']) {
      assert.throws(
        () => tokenSource({ identityToken: t, env: {} }),
        (e: unknown) => isUsage(e) && !(e as Error).message.includes(t),
      );
    }
  });
});

describe('signing config', () => {
  const svc = (url: string, majorApiVersion: number, start: string, end?: string) => ({
    url,
    majorApiVersion,
    validFor: { start, ...(end === undefined ? {} : { end }) },
  });
  const now = new Date('2026-01-01T00:00:00Z');

  it('picks, among the services valid now, the newest with a supported API version', () => {
    const cfg = {
      mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
      caUrls: [
        svc('https://old-ca.example', 1, '2020-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
        svc('https://ca.example', 1, '2024-01-01T00:00:00Z'),
        svc('https://next-ca.example', 1, '2027-01-01T00:00:00Z'),
      ],
      rekorTlogUrls: [svc('https://rekor-v2.example', 2, '2025-06-01T00:00:00Z'), svc('https://rekor.example/', 1, '2021-01-01T00:00:00Z')],
      tsaUrls: [svc('https://tsa.example/api/v1/timestamp', 1, '2023-01-01T00:00:00Z')],
    };
    assert.deepEqual(servicesFromConfig(cfg, now), {
      fulcioUrl: 'https://ca.example',
      rekorUrl: 'https://rekor.example',
      tsaUrl: 'https://tsa.example/api/v1/timestamp',
    });
    assert.deepEqual(
      servicesFromConfig({ mediaType: 'application/vnd.dev.sigstore.clienttrustconfig.v0.1+json', signingConfig: { ...cfg, tsaUrls: [] } }, now),
      { fulcioUrl: 'https://ca.example', rekorUrl: 'https://rekor.example' },
    );
    assert.deepEqual(
      servicesFromConfig(
        { mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.1+json', caUrl: 'https://ca.example', tlogUrls: ['https://rekor.example'], tsaUrls: [] },
        now,
      ),
      { fulcioUrl: 'https://ca.example', rekorUrl: 'https://rekor.example' },
    );
    assert.equal(PUBLIC_GOOD_SERVICES.fulcioUrl, 'https://fulcio.sigstore.dev');
  });

  it('refuses configs without a usable Fulcio or Rekor v1, plain http off loopback, and unknown media types', () => {
    const base = { mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json', caUrls: [svc('https://ca.example', 1, '2020-01-01T00:00:00Z')] };
    assert.throws(() => servicesFromConfig({ ...base, rekorTlogUrls: [svc('https://rekor.example', 2, '2020-01-01T00:00:00Z')] }, now), isUsage);
    assert.throws(() => servicesFromConfig({ ...base, caUrls: [], rekorTlogUrls: [svc('https://rekor.example', 1, '2020-01-01T00:00:00Z')] }, now), isUsage);
    assert.throws(() => servicesFromConfig({ ...base, rekorTlogUrls: [svc('http://rekor.example', 1, '2020-01-01T00:00:00Z')] }, now), isUsage);
    assert.throws(() => servicesFromConfig({ mediaType: 'application/json' }, now), isUsage);
    assert.deepEqual(
      servicesFromConfig({ ...base, rekorTlogUrls: [svc('http://127.0.0.1:8080', 1, '2020-01-01T00:00:00Z')] }, now).rekorUrl,
      'http://127.0.0.1:8080',
    );
  });
});
