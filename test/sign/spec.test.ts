/**
 * OMS v1.0 specification material: the valid vectors verify, the invalid
 * ones fail schema validation and our parser, the edited payload fails the
 * signature; and what we sign validates against the OMS JSON Schemas and
 * passes independent checks (DSSE by hand with node:crypto, @sigstore/verify).
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { bundleFromJSON } from '@sigstore/bundle';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { parseBundle } from '../../src/sign/bundle.js';
import { SignError } from '../../src/sign/errors.js';
import { generateSigningKey, writeKeyPair } from '../../src/sign/keygen.js';
import { signModel } from '../../src/sign/sign.js';
import { verifyModel, verifySignatureFile } from '../../src/sign/verify.js';
import { KEYS, REF, SPEC, tmp } from './env.js';

const schemaDir = join(SPEC, 'schemas', 'v1.0');
function ajv(): Ajv2020 {
  const a = new Ajv2020({ strict: false, allErrors: true });
  for (const f of readdirSync(schemaDir)) a.addSchema(JSON.parse(readFileSync(join(schemaDir, f), 'utf8')) as object);
  return a;
}
const BUNDLE_SCHEMA = 'https://model_signing/bundle/v1.0/schema';
const vec = (kind: string, name: string) => join(SPEC, 'test-vectors', 'v1.0', kind, name);

describe('OMS v1.0 test vectors', () => {
  it('valid bundles pass the schema and verify against the v1.1.0 model', async () => {
    const validate = ajv().getSchema(BUNDLE_SCHEMA);
    assert.ok(validate !== undefined);
    for (const name of ['key.bundle.json', 'certificate.bundle.json', 'sigstore.bundle.json']) {
      assert.ok(validate(JSON.parse(readFileSync(vec('valid', name), 'utf8'))), `${name}: ${JSON.stringify(validate.errors)}`);
    }
    const key = await verifyModel(
      join(REF, 'v1.1.0-elliptic-key'),
      { method: 'key', publicKey: join(KEYS, 'signing-key-pub.pem') },
      { signature: vec('valid', 'key.bundle.json'), ignorePaths: ['ignore-me', 'model.sig'] },
    );
    assert.equal(key.manifest.resources.length, 2);
    const cert = verifySignatureFile(vec('valid', 'certificate.bundle.json'), { method: 'certificate', certificateChain: [join(KEYS, 'ca-cert.pem')] });
    assert.equal(cert.manifest.resources.length, 2);
  });
  it('invalid bundles fail the schema and the parser', () => {
    const validate = ajv().getSchema(BUNDLE_SCHEMA);
    assert.ok(validate !== undefined);
    for (const name of readdirSync(join(SPEC, 'test-vectors', 'v1.0', 'invalid'))) {
      const text = readFileSync(vec('invalid', name), 'utf8');
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        doc = undefined;
      }
      assert.ok(doc === undefined || !validate(doc), `${name} passed the schema`);
      assert.throws(
        () => parseBundle(text),
        (e: unknown) => e instanceof SignError && e.code === 'E_SIG_BUNDLE',
        name,
      );
    }
  });
  it('a payload edited after signing does not verify', () => {
    assert.throws(
      () => verifySignatureFile(vec('invalid-payload', 'wrong-predicate.bundle.json'), { method: 'key', publicKey: join(KEYS, 'signing-key-pub.pem') }),
      (e: unknown) => e instanceof SignError && e.code === 'E_SIG_VERIFY',
    );
  });
});

function model(): string {
  const d = join(tmp(), 'my-model');
  mkdirSync(join(d, 'sub'), { recursive: true });
  writeFileSync(join(d, 'weights.bin'), Buffer.alloc(100_000, 7));
  writeFileSync(join(d, 'sub', 'config.json'), '{"a": 1}');
  writeFileSync(join(d, 'a-b'), 'x');
  return d;
}

describe('what we sign', () => {
  for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
    it(`${curve}: schema-valid, verifies here and by an independent DSSE check`, async () => {
      const dir = model();
      const keys = writeKeyPair(join(tmp(), 'k'), generateSigningKey(curve));
      const sig = join(dir, 'model.sig');
      await signModel(dir, { method: 'key', privateKey: keys.privatePath }, { signature: sig });
      const bundle = JSON.parse(readFileSync(sig, 'utf8')) as { dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string }[] } };
      const a = ajv();
      const validate = a.getSchema(BUNDLE_SCHEMA);
      assert.ok(validate?.(bundle), JSON.stringify(validate?.errors));
      // DSSE PAE rebuilt by hand, digest chosen by curve, checked with node:crypto.
      const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
      const paeBytes = Buffer.concat([
        Buffer.from(`DSSEv1 ${bundle.dsseEnvelope.payloadType.length} ${bundle.dsseEnvelope.payloadType} ${payload.length} `),
        payload,
      ]);
      const hash = { 'P-256': 'sha256', 'P-384': 'sha384', 'P-521': 'sha512' }[curve];
      assert.ok(
        cryptoVerify(hash, paeBytes, createPublicKey(readFileSync(keys.publicPath)), Buffer.from(bundle.dsseEnvelope.signatures[0]?.sig ?? '', 'base64')),
      );
      const stmt = JSON.parse(payload.toString()) as { subject: { name: string }[]; predicate: { resources: { name: string }[] } };
      const vs = a.getSchema('https://model_signing/statement/v1.0/schema');
      assert.ok(vs?.(stmt), JSON.stringify(vs?.errors));
      const vp = a.getSchema('https://model_signing/predicate/v1.0/schema');
      assert.ok(vp?.(stmt.predicate), JSON.stringify(vp?.errors));
      assert.equal(stmt.subject[0]?.name, 'my-model');
      assert.deepEqual(
        stmt.predicate.resources.map((r) => r.name),
        ['a-b', 'sub/config.json', 'weights.bin'],
      );
      await verifyModel(dir, { method: 'key', publicKey: keys.publicPath }, { signature: sig });
    });
  }
  it('a P-256 key bundle also verifies with @sigstore/verify', async () => {
    const dir = model();
    const keys = writeKeyPair(join(tmp(), 'k'), generateSigningKey('P-256'));
    const sig = join(dir, 'model.sig');
    await signModel(dir, { method: 'key', privateKey: keys.privatePath }, { signature: sig });
    const doc = JSON.parse(readFileSync(sig, 'utf8')) as { verificationMaterial: { publicKey: { hint: string } } };
    const hint = doc.verificationMaterial.publicKey.hint;
    const der = createPublicKey(readFileSync(keys.publicPath)).export({ type: 'spki', format: 'der' });
    const trust = toTrustMaterial(
      TrustedRoot.fromJSON({
        mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
        tlogs: [],
        certificateAuthorities: [],
        ctlogs: [],
        timestampAuthorities: [],
      }),
      {
        [hint]: { rawBytes: der, keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: new Date(0) } },
      } as never,
    );
    new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(bundleFromJSON(doc)), {});
  });
  it('certificate signing: the chain is embedded and verifies against the root', async () => {
    const dir = model();
    const sig = join(tmp(), 'cert.sig');
    await signModel(
      dir,
      {
        method: 'certificate',
        privateKey: join(KEYS, 'signing-key.pem'),
        signingCertificate: join(KEYS, 'signing-key-cert.pem'),
        certificateChain: [join(KEYS, 'int-ca-cert.pem')],
      },
      { signature: sig },
    );
    await verifyModel(dir, { method: 'certificate', certificateChain: [join(KEYS, 'ca-cert.pem')] }, { signature: sig });
    await assert.rejects(
      signModel(
        dir,
        {
          method: 'certificate',
          privateKey: writeKeyPair(join(tmp(), 'o'), generateSigningKey()).privatePath,
          signingCertificate: join(KEYS, 'signing-key-cert.pem'),
          certificateChain: [],
        },
        { signature: sig },
      ),
      (e: unknown) => e instanceof SignError && e.code === 'E_SIG_KEY',
    );
  });
  it('shards: names path:start:end, algorithm sha256-sharded-<size>, same root as the reference computes', async () => {
    const dir = model();
    const keys = writeKeyPair(join(tmp(), 'k'), generateSigningKey());
    const sig = join(tmp(), 's.sig');
    const r = await signModel(dir, { method: 'key', privateKey: keys.privatePath }, { signature: sig, shardSize: 40_000 });
    assert.deepEqual(
      r.manifest.resources.map((x) => x.name),
      ['a-b:0:1', 'sub/config.json:0:8', 'weights.bin:0:40000', 'weights.bin:40000:80000', 'weights.bin:80000:100000'],
    );
    assert.equal(r.manifest.resources[0]?.algorithm, 'sha256-sharded-40000');
    await verifyModel(dir, { method: 'key', publicKey: keys.publicPath }, { signature: sig });
  });
});
