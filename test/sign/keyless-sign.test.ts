/**
 * Keyless signing against local mock OIDC, Fulcio and Rekor services (real
 * HTTP on 127.0.0.1, test/sign/mock-sigstore.ts): the bundle verifies with
 * modelguard's verifier and, on its own, with @sigstore/verify against the
 * mocks' trusted root; identities, issuers and roots that do not match are
 * refused; service failures leave no signature file behind.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { main } from '../../src/cli/dispatch.js';
import { SignError } from '../../src/sign/errors.js';
import { signModel } from '../../src/sign/sign.js';
import { verifyModel } from '../../src/sign/verify.js';
import { memoryIO } from '../helpers.js';
import { tmp } from './env.js';
import { startMockSigstore, type MockSigstore } from './mock-sigstore.js';

const ALICE = 'alice@example.com';

async function rejectsCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SignError, String(e));
    assert.equal(e.code, code, e.message);
    return true;
  });
}

describe('keyless signing against mock Sigstore services', () => {
  let mock: MockSigstore;
  let dir: string;
  let model: string;
  let root: string;

  before(async () => {
    mock = await startMockSigstore(ALICE);
    dir = tmp();
    model = join(dir, 'model');
    mkdirSync(model);
    writeFileSync(join(model, 'weights.bin'), Buffer.alloc(1000, 5));
    writeFileSync(join(model, 'config.json'), '{}');
    root = join(dir, 'trusted_root.json');
    writeFileSync(root, JSON.stringify(mock.trustedRoot()));
  });
  after(async () => {
    await mock.close();
  });

  const services = (): { fulcioUrl: string; rekorUrl: string } => ({ fulcioUrl: mock.url, rekorUrl: mock.url });
  const ciEnv = (): NodeJS.ProcessEnv => ({ ACTIONS_ID_TOKEN_REQUEST_URL: mock.tokenUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'ci-request-token' });
  /** `trustedRoot` null: the public-good root shipped with @sigstore/tuf. */
  const sigstore = (identity = ALICE, identityProvider = mock.issuer, trustedRoot: string | null = root) =>
    ({ method: 'sigstore', identity, identityProvider, ...(trustedRoot === null ? {} : { trustedRoot }) }) as const;

  it('CI token -> Fulcio -> Rekor: the bundle verifies with modelguard and with @sigstore/verify alone', async () => {
    const sig = join(dir, 'keyless.sig');
    mock.calls.length = 0;
    await signModel(model, { method: 'sigstore', services: services(), env: ciEnv(), retries: 0 }, { signature: sig });
    assert.deepEqual(mock.calls, ['/token', '/api/v2/signingCert', '/api/v1/log/entries']);
    const bundle = JSON.parse(readFileSync(sig, 'utf8')) as Record<string, unknown>;
    assert.equal(bundle['mediaType'], 'application/vnd.dev.sigstore.bundle.v0.3+json');
    const env = (bundle['dsseEnvelope'] ?? {}) as { payloadType?: string; payload?: string };
    assert.equal(env.payloadType, 'application/vnd.in-toto+json');
    const statement = JSON.parse(Buffer.from(env.payload ?? '', 'base64').toString()) as { predicateType: string; subject: unknown[] };
    assert.equal(statement.predicateType, 'https://model_signing/signature/v1.0');
    const res = await verifyModel(model, sigstore(), { signature: sig });
    assert.match(res.signer, /alice@example\.com/);
    const v = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(mock.trustedRoot())));
    const who = v.verify(toSignedEntity(bundleFromJSON(bundle)), { subjectAlternativeName: ALICE, extensions: { issuer: mock.issuer } });
    assert.equal(who.identity?.subjectAlternativeName, ALICE);
  });

  it('an explicit identity token needs no token endpoint', async () => {
    const token = ((await (await fetch(`${mock.tokenUrl}&audience=sigstore`, { headers: { Authorization: 'bearer ci-request-token' } })).json()) as { value: string }).value;
    const sig = join(dir, 'explicit.sig');
    mock.calls.length = 0;
    await signModel(model, { method: 'sigstore', services: services(), identityToken: token, env: {}, retries: 0 }, { signature: sig });
    assert.ok(!mock.calls.includes('/token'));
    await verifyModel(model, sigstore(), { signature: sig });
  });

  it('another identity, another issuer, or the public-good root is refused', async () => {
    const sig = join(dir, 'keyless.sig');
    await rejectsCode(verifyModel(model, sigstore('bob@example.com'), { signature: sig }), 'E_SIG_VERIFY');
    await rejectsCode(verifyModel(model, sigstore(ALICE, 'https://other.invalid'), { signature: sig }), 'E_SIG_VERIFY');
    await rejectsCode(verifyModel(model, sigstore(ALICE, mock.issuer, null), { signature: sig }), 'E_SIG_VERIFY');
  });

  it('a file changed after signing fails with the file named', async () => {
    const m = join(dir, 'm2');
    mkdirSync(m);
    writeFileSync(join(m, 'a.bin'), 'a');
    const sig = join(dir, 'm2.sig');
    await signModel(m, { method: 'sigstore', services: services(), env: ciEnv(), retries: 0 }, { signature: sig });
    writeFileSync(join(m, 'a.bin'), 'b');
    await assert.rejects(verifyModel(m, sigstore(), { signature: sig }), (e: unknown) => e instanceof SignError && e.code === 'E_SIG_MISMATCH' && e.differences.some((d) => d.name === 'a.bin' && d.kind === 'changed'));
  });

  it('service failures and missing tokens are clear errors and leave no file', async () => {
    const out = join(dir, 'fail');
    mkdirSync(out);
    mock.failFulcioWith = 403;
    await rejectsCode(signModel(model, { method: 'sigstore', services: services(), env: ciEnv(), retries: 0 }, { signature: join(out, 'x.sig') }), 'E_SIG_NETWORK');
    await rejectsCode(signModel(model, { method: 'sigstore', services: services(), env: {}, retries: 0 }, { signature: join(out, 'y.sig') }), 'E_SIG_TOKEN');
    await rejectsCode(
      signModel(model, { method: 'sigstore', services: services(), env: { SIGSTORE_ID_TOKEN: 'x' }, useAmbientCredentials: false, retries: 0 }, { signature: join(out, 'w.sig') }),
      'E_SIG_TOKEN',
    );
    const dead = { fulcioUrl: 'http://127.0.0.1:9', rekorUrl: 'http://127.0.0.1:9' };
    await rejectsCode(signModel(model, { method: 'sigstore', services: dead, env: ciEnv(), retries: 0, timeoutMs: 2000 }, { signature: join(out, 'z.sig') }), 'E_SIG_NETWORK');
    assert.deepEqual(readdirSync(out), []);
  });

  it('the CLI signs with a client trust config and verifies with --trust-config', async () => {
    const cfg = join(dir, 'trust-config.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        mediaType: 'application/vnd.dev.sigstore.clienttrustconfig.v0.1+json',
        trustedRoot: mock.trustedRoot(),
        signingConfig: {
          mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
          caUrls: [{ url: mock.url, majorApiVersion: 1 }],
          oidcUrls: [],
          rekorTlogUrls: [{ url: `${mock.url}/v2`, majorApiVersion: 2 }, { url: mock.url, majorApiVersion: 1 }],
          tsaUrls: [],
        },
      }),
    );
    const s = Object.assign(memoryIO(ciEnv()), { cwd: dir });
    assert.equal(await main(['sign', 'sigstore', 'model', '--trust-config', cfg, '--signature', 'cli.sig'], s), 0, s.err());
    const v = Object.assign(memoryIO(), { cwd: dir });
    assert.equal(await main(['verify', 'sigstore', 'model', '--signature', 'cli.sig', '--identity', ALICE, '--identity-provider', mock.issuer, '--trust-config', cfg], v), 0, v.err());
    const bad = Object.assign(memoryIO(), { cwd: dir });
    assert.equal(await main(['verify', 'sigstore', 'model', '--signature', 'cli.sig', '--identity', 'mallory@example.com', '--identity-provider', mock.issuer, '--trust-config', cfg], bad), 1);
    const none = Object.assign(memoryIO({}), { cwd: dir });
    assert.equal(await main(['sign', 'sigstore', 'model', '--trust-config', cfg, '--signature', 'none.sig'], none), 2);
    assert.match(none.err(), /identity token/);
  });
});
