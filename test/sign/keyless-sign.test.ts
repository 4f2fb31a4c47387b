/**
 * Keyless signing against local mock OIDC, Fulcio and Rekor servers (real
 * HTTP on 127.0.0.1, see mock-sigstore.ts): the bundle is what the reference
 * writes, verifies with our verifier and with @sigstore/verify on its own;
 * identities, issuers, trust roots and files that differ are rejected;
 * missing tokens and failing services are clear errors that write nothing.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { ModelguardError } from '../../src/errors.js';
import { generateSigningKey, writeKeyPair } from '../../src/sign/keygen.js';
import { signModel, type SignMethod } from '../../src/sign/sign.js';
import { verifyModel } from '../../src/sign/verify.js';
import { startMockSigstore, deadPort, CI_BEARER, MOCK_ISSUER, type MockSigstore } from './mock-sigstore.js';
import { tmp } from './env.js';

const ALICE = 'alice@example.com';
const PREDICATE = 'https://model_signing/signature/v1.0';

async function rejectsCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ModelguardError, String(e));
    assert.equal(e.code, code, e.message);
    return true;
  });
}

describe('keyless signing against mock Sigstore services', () => {
  let mock: MockSigstore;
  let other: MockSigstore;
  let dir: string;
  let model: string;
  let root: string;
  let otherRoot: string;

  before(async () => {
    mock = await startMockSigstore(ALICE);
    other = await startMockSigstore(ALICE);
    dir = tmp('mg-keyless-');
    model = join(dir, 'model');
    mkdirSync(model);
    writeFileSync(join(model, 'weights.bin'), Buffer.alloc(1000, 5));
    writeFileSync(join(model, 'config.json'), '{}');
    root = join(dir, 'trusted_root.json');
    writeFileSync(root, JSON.stringify(mock.trustedRoot()));
    otherRoot = join(dir, 'other_root.json');
    writeFileSync(otherRoot, JSON.stringify(other.trustedRoot()));
  });
  after(async () => {
    await mock.close();
    await other.close();
  });

  const services = (): { fulcioUrl: string; rekorUrl: string } => ({ fulcioUrl: mock.url, rekorUrl: mock.url });
  const ciEnv = (): Record<string, string> => ({ ACTIONS_ID_TOKEN_REQUEST_URL: mock.tokenUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: CI_BEARER });
  const keyless = (extra: Partial<Extract<SignMethod, { method: 'sigstore' }>> = {}): SignMethod => ({
    method: 'sigstore',
    services: services(),
    env: ciEnv(),
    retries: 0,
    timeoutMs: 10_000,
    ...extra,
  });
  const policy = (identity = ALICE, identityProvider = MOCK_ISSUER, trustedRoot = root) => ({
    method: 'sigstore' as const,
    identity,
    identityProvider,
    trustedRoot,
  });

  it('GitHub Actions token → Fulcio → Rekor: a v0.3 bundle with the key-signing statement, verified by verifyModel and @sigstore/verify', async () => {
    const sig = join(dir, 'ci.sig');
    const before = mock.calls.length;
    const r = await signModel(model, keyless(), { signature: sig });
    assert.deepEqual(mock.calls.slice(before), ['/token', '/api/v2/signingCert', '/api/v1/log/entries']);
    const bundle = JSON.parse(readFileSync(sig, 'utf8')) as {
      mediaType: string;
      verificationMaterial: {
        certificate?: unknown;
        x509CertificateChain?: unknown;
        tlogEntries: { kindVersion: unknown; inclusionProof: { hashes: string[] } }[];
      };
      dsseEnvelope: { payload: string; payloadType: string };
    };
    assert.equal(bundle.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
    assert.ok(bundle.verificationMaterial.certificate !== undefined && bundle.verificationMaterial.x509CertificateChain === undefined);
    assert.equal(bundle.verificationMaterial.tlogEntries.length, 1);
    assert.deepEqual(bundle.verificationMaterial.tlogEntries[0]?.kindVersion, { kind: 'dsse', version: '0.0.1' });
    assert.ok((bundle.verificationMaterial.tlogEntries[0]?.inclusionProof.hashes.length ?? 0) > 0);
    assert.equal(bundle.dsseEnvelope.payloadType, 'application/vnd.in-toto+json');

    // The payload is byte for byte what key signing signs for the same model.
    const keyDir = tmp('mg-keyless-key-');
    writeKeyPair(join(keyDir, 'k'), generateSigningKey('P-256'));
    const byKey = await signModel(model, { method: 'key', privateKey: join(keyDir, 'k.key') }, { signature: join(keyDir, 'model.sig') });
    const keyPayload = (JSON.parse(byKey.bundle) as { dsseEnvelope: { payload: string } }).dsseEnvelope.payload;
    assert.equal(bundle.dsseEnvelope.payload, keyPayload);
    assert.equal((JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString()) as { predicateType: string }).predicateType, PREDICATE);
    assert.equal(r.manifest.resources.length, 2);

    const v = await verifyModel(model, policy(), { signature: sig });
    assert.match(v.signer, /^alice@example\.com \(https:\/\/oidc\.mock\.test\)$/);
    assert.equal(v.manifest.resources.length, 2);

    const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(mock.trustedRoot())));
    const signer = verifier.verify(toSignedEntity(bundleFromJSON(bundle)), { subjectAlternativeName: ALICE, extensions: { issuer: MOCK_ISSUER } });
    assert.equal(signer.identity?.subjectAlternativeName, ALICE);
    assert.equal(signer.identity?.extensions?.issuer, MOCK_ISSUER);
  });

  it('an explicit token or SIGSTORE_ID_TOKEN needs no token endpoint', async () => {
    const before = mock.calls.length;
    await signModel(model, keyless({ identityToken: mock.token(), env: {} }), { signature: join(dir, 'explicit.sig') });
    await signModel(model, keyless({ env: { SIGSTORE_ID_TOKEN: mock.token(), ...ciEnv() } }), { signature: join(dir, 'env.sig') });
    assert.equal(mock.calls.slice(before).filter((c) => c === '/token').length, 0);
    await verifyModel(model, policy(), { signature: join(dir, 'explicit.sig') });
    await verifyModel(model, policy(), { signature: join(dir, 'env.sig') });
  });

  it('another identity, another issuer or another trusted root fails verification', async () => {
    const sig = join(dir, 'ci.sig');
    await rejectsCode(verifyModel(model, policy('bob@example.com'), { signature: sig }), 'E_SIG_VERIFY');
    await rejectsCode(verifyModel(model, policy(ALICE, 'https://accounts.google.com'), { signature: sig }), 'E_SIG_VERIFY');
    await rejectsCode(verifyModel(model, policy(ALICE, MOCK_ISSUER, otherRoot), { signature: sig }), 'E_SIG_VERIFY');
    // The public-good root (the default) does not trust the mock CA either.
    await rejectsCode(verifyModel(model, { method: 'sigstore', identity: ALICE, identityProvider: MOCK_ISSUER }, { signature: sig }), 'E_SIG_VERIFY');
  });

  it('a certificate for another e-mail does not pass for alice', async () => {
    const sig = join(dir, 'bob.sig');
    await signModel(model, keyless({ identityToken: mock.token({ email: 'bob@example.com' }), env: {} }), { signature: sig });
    await verifyModel(model, policy('bob@example.com'), { signature: sig });
    await rejectsCode(verifyModel(model, policy(), { signature: sig }), 'E_SIG_VERIFY');
  });

  it('an edited log entry (SET, inclusion proof, checkpoint, time) or certificate fails verification', async () => {
    const good = readFileSync(join(dir, 'ci.sig'), 'utf8');
    type Entry = {
      integratedTime: string;
      inclusionPromise: { signedEntryTimestamp: string };
      inclusionProof: { hashes: string[]; checkpoint: { envelope: string } };
    };
    type B = { verificationMaterial: { certificate: { rawBytes: string }; tlogEntries: Entry[] } };
    const flip = (b64: string, at: number): string => {
      const buf = Buffer.from(b64, 'base64');
      buf[at] = (buf[at] ?? 0) ^ 1;
      return buf.toString('base64');
    };
    // Each edit must fail for its own reason: the @sigstore/verify code in the cause.
    const edits: [string, string, (b: B, e: Entry) => void][] = [
      ['SET', 'TLOG_INCLUSION_PROMISE_ERROR', (_b, e) => (e.inclusionPromise.signedEntryTimestamp = flip(e.inclusionPromise.signedEntryTimestamp, 10))],
      ['proof hash', 'TLOG_INCLUSION_PROOF_ERROR', (_b, e) => (e.inclusionProof.hashes[0] = flip(e.inclusionProof.hashes[0] ?? '', 0))],
      [
        'checkpoint',
        'TLOG_INCLUSION_PROOF_ERROR',
        (_b, e) =>
          (e.inclusionProof.checkpoint.envelope = e.inclusionProof.checkpoint.envelope.replace(/\n(\d+)\n/, (_m, n: string) => `\n${Number(n) + 1}\n`)),
      ],
      ['integrated time', 'TLOG_INCLUSION_PROMISE_ERROR', (_b, e) => (e.integratedTime = String(Number(e.integratedTime) + 1))],
      ['certificate', 'CERTIFICATE_ERROR', (b) => (b.verificationMaterial.certificate.rawBytes = flip(b.verificationMaterial.certificate.rawBytes, 200))],
    ];
    await verifyModel(model, policy(), { signature: join(dir, 'ci.sig') });
    for (const [what, code, edit] of edits) {
      const b = JSON.parse(good) as B;
      const entry = b.verificationMaterial.tlogEntries[0];
      assert.ok(entry !== undefined);
      edit(b, entry);
      const sig = join(dir, 'edited.sig');
      writeFileSync(sig, JSON.stringify(b));
      await assert.rejects(verifyModel(model, policy(), { signature: sig }), (e: unknown) => {
        assert.ok(e instanceof ModelguardError && e.code === 'E_SIG_VERIFY', `${what}: ${String(e)}`);
        assert.equal((e.cause as { code?: unknown }).code, code, what);
        return true;
      });
    }
  });

  it('a certificate whose embedded SCT the CT log did not sign fails verification', async () => {
    const sig = join(dir, 'bad-sct.sig');
    mock.forge.sct = true;
    try {
      await signModel(model, keyless(), { signature: sig });
    } finally {
      delete mock.forge.sct;
    }
    await assert.rejects(verifyModel(model, policy(), { signature: sig }), (e: unknown) => {
      assert.ok(e instanceof ModelguardError && e.code === 'E_SIG_VERIFY', String(e));
      assert.equal((e.cause as { code?: unknown }).code, 'CERTIFICATE_ERROR');
      return true;
    });
  });

  it('a tampered model file fails after the signature checks out', async () => {
    const m = join(dir, 'm2');
    mkdirSync(m);
    writeFileSync(join(m, 'a.bin'), 'weights');
    const sig = join(dir, 'm2.sig');
    await signModel(m, keyless(), { signature: sig });
    await verifyModel(m, policy(), { signature: sig });
    writeFileSync(join(m, 'a.bin'), 'weightz');
    await rejectsCode(verifyModel(m, policy(), { signature: sig }), 'E_SIG_MISMATCH');
  });

  describe('failures write nothing', () => {
    const nothingWritten = (name: string): void => {
      assert.equal(existsSync(join(dir, name)), false);
      assert.deepEqual(
        readdirSync(dir).filter((f) => f.endsWith('.tmp')),
        [],
      );
    };

    it('no token: a usage error saying how to provide one, before any request', async () => {
      const before = mock.calls.length;
      await rejectsCode(signModel(model, keyless({ env: {} }), { signature: join(dir, 'none.sig') }), 'E_USAGE');
      await assert.rejects(signModel(model, keyless({ env: {} }), { signature: join(dir, 'none.sig') }), /--identity-token.*SIGSTORE_ID_TOKEN.*GitHub Actions/);
      // Ambient credentials off: SIGSTORE_ID_TOKEN and the CI endpoint are ignored.
      await rejectsCode(
        signModel(model, keyless({ useAmbientCredentials: false, env: { SIGSTORE_ID_TOKEN: mock.token(), ...ciEnv() } }), { signature: join(dir, 'none.sig') }),
        'E_USAGE',
      );
      await rejectsCode(signModel(model, keyless({ identityToken: 'not-a-jwt', env: {} }), { signature: join(dir, 'none.sig') }), 'E_USAGE');
      assert.equal(mock.calls.length, before);
      nothingWritten('none.sig');
    });

    it('Fulcio answering 500, or refusing a forged or expired token: E_SIG_NETWORK', async () => {
      mock.fail.fulcio = 500;
      try {
        await rejectsCode(signModel(model, keyless(), { signature: join(dir, 'fulcio.sig') }), 'E_SIG_NETWORK');
      } finally {
        delete mock.fail.fulcio;
      }
      await rejectsCode(
        signModel(model, keyless({ identityToken: mock.token({ forged: true }), env: {} }), { signature: join(dir, 'fulcio.sig') }),
        'E_SIG_NETWORK',
      );
      await rejectsCode(
        signModel(model, keyless({ identityToken: mock.token({ expired: true }), env: {} }), { signature: join(dir, 'fulcio.sig') }),
        'E_SIG_NETWORK',
      );
      nothingWritten('fulcio.sig');
    });

    it('Rekor unreachable or failing: E_SIG_NETWORK', async () => {
      const port = await deadPort();
      await rejectsCode(
        signModel(model, keyless({ services: { fulcioUrl: mock.url, rekorUrl: `http://127.0.0.1:${port}` } }), { signature: join(dir, 'rekor.sig') }),
        'E_SIG_NETWORK',
      );
      mock.fail.rekor = 503;
      try {
        await rejectsCode(signModel(model, keyless(), { signature: join(dir, 'rekor.sig') }), 'E_SIG_NETWORK');
      } finally {
        delete mock.fail.rekor;
      }
      nothingWritten('rekor.sig');
    });

    it('a timestamp authority, when given, is asked; its failure fails signing', async () => {
      const before = mock.calls.length;
      await rejectsCode(signModel(model, keyless({ services: { ...services(), tsaUrl: mock.url } }), { signature: join(dir, 'tsa.sig') }), 'E_SIG_NETWORK');
      assert.ok(mock.calls.slice(before).includes('/api/v1/timestamp'));
      nothingWritten('tsa.sig');
    });

    it('the GitHub Actions endpoint refusing the request token: E_SIG_NETWORK', async () => {
      const env = { ...ciEnv(), ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong' };
      await rejectsCode(signModel(model, keyless({ env }), { signature: join(dir, 'ci-bad.sig') }), 'E_SIG_NETWORK');
      nothingWritten('ci-bad.sig');
    });

    it('plain http to a remote host is refused (the token would travel in clear)', async () => {
      await rejectsCode(
        signModel(model, keyless({ services: { fulcioUrl: 'http://fulcio.example', rekorUrl: mock.url } }), { signature: join(dir, 'http.sig') }),
        'E_USAGE',
      );
      nothingWritten('http.sig');
    });
  });
});
