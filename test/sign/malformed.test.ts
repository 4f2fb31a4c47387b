/** Hostile signatures, keys and models: clear errors, never a pass. */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseBundle } from '../../src/sign/bundle.js';
import { SignError } from '../../src/sign/errors.js';
import { hashRange } from '../../src/sign/hash/range.js';
import { loadPrivateKey, loadPublicKey } from '../../src/sign/keys.js';
import { hashModel } from '../../src/sign/manifest/serialize.js';
import { generateSigningKey, writeKeyPair } from '../../src/sign/keygen.js';
import { verifySignatureFile } from '../../src/sign/verify.js';
import { KEYS, REF, tmp } from './env.js';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return e instanceof SignError ? e.code : `other: ${String(e)}`;
  }
  return 'none';
};
const golden = () => JSON.parse(readFileSync(join(REF, 'v1.1.0-elliptic-key', 'model.sig'), 'utf8')) as Record<string, any>;

describe('malformed bundles', () => {
  it('truncated at every tenth byte', () => {
    const text = readFileSync(join(REF, 'v1.1.0-elliptic-key', 'model.sig'), 'utf8');
    for (let n = 0; n < text.length; n += 10)
      assert.equal(
        code(() => parseBundle(text.slice(0, n))),
        'E_SIG_BUNDLE',
        `cut at ${n}`,
      );
  });
  it('huge and deeply nested JSON', () => {
    assert.equal(
      code(() => parseBundle('['.repeat(100_000) + ']'.repeat(100_000))),
      'E_SIG_BUNDLE',
    );
    const deep = golden();
    deep['x'] = JSON.parse('['.repeat(200) + ']'.repeat(200));
    assert.equal(
      code(() => parseBundle(JSON.stringify(deep))),
      'E_SIG_BUNDLE',
    );
    assert.equal(
      code(() => parseBundle(Buffer.alloc(65 * 1024 * 1024, 0x20))),
      'E_SIG_BUNDLE',
    );
  });
  it('non-canonical base64 and unknown media types', () => {
    const b = golden();
    b['dsseEnvelope'].payload = `${b['dsseEnvelope'].payload as string}\n`;
    assert.equal(
      code(() => parseBundle(JSON.stringify(b))),
      'E_SIG_BUNDLE',
    );
    const m = golden();
    m['mediaType'] = 'application/vnd.dev.sigstore.bundle.v9+json';
    assert.equal(
      code(() => parseBundle(JSON.stringify(m))),
      'E_SIG_BUNDLE',
    );
  });
  it('a truncated signature does not verify', () => {
    const b = golden();
    const sig = Buffer.from(b['dsseEnvelope'].signatures[0].sig as string, 'base64');
    b['dsseEnvelope'].signatures[0].sig = sig.subarray(0, sig.length - 4).toString('base64');
    const d = tmp();
    writeFileSync(join(d, 'model.sig'), JSON.stringify(b));
    assert.equal(
      code(() => verifySignatureFile(join(d, 'model.sig'), { method: 'key', publicKey: join(KEYS, 'signing-key-pub.pem') })),
      'E_SIG_VERIFY',
    );
  });
});

describe('keys', () => {
  it('refuses RSA, Ed25519 and curves outside P-256/384/521', () => {
    const d = tmp();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(d, 'rsa.pub'), rsa.publicKey.export({ type: 'spki', format: 'pem' }));
    const ed = generateKeyPairSync('ed25519');
    writeFileSync(join(d, 'ed.key'), ed.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    writeFileSync(join(d, 'k1.pub'), k1.publicKey.export({ type: 'spki', format: 'pem' }));
    assert.equal(
      code(() => loadPublicKey(join(d, 'rsa.pub'))),
      'E_SIG_KEY',
    );
    assert.equal(
      code(() => loadPrivateKey(join(d, 'ed.key'))),
      'E_SIG_KEY',
    );
    assert.equal(
      code(() => loadPublicKey(join(d, 'k1.pub'))),
      'E_SIG_CURVE',
    );
  });
  it('encrypted keys need the right passphrase; key files are 0600 and never overwritten', () => {
    const prefix = join(tmp(), 'k');
    const { privatePath } = writeKeyPair(prefix, generateSigningKey('P-384', 'pw'));
    assert.equal(execFileSync('stat', ['-c', '%a', privatePath]).toString().trim(), '600');
    assert.equal(
      code(() => loadPrivateKey(privatePath)),
      'E_SIG_KEY',
    );
    assert.equal(
      code(() => loadPrivateKey(privatePath, 'wrong')),
      'E_SIG_KEY',
    );
    assert.equal(loadPrivateKey(privatePath, 'pw').asymmetricKeyDetails?.namedCurve, 'secp384r1');
    assert.equal(
      code(() => writeKeyPair(prefix, generateSigningKey())),
      'E_SIG_KEY',
    );
  });
  it('reads the public key out of a text dump with the PEM block at its end', () => {
    assert.equal(loadPublicKey(join(KEYS, 'signing-key-pub.pem')).asymmetricKeyDetails?.namedCurve, 'secp384r1');
  });
});

describe('models that cannot be hashed', () => {
  it('symbolic links are refused unless allowed; loops are reported', async () => {
    const d = join(tmp(), 'm');
    mkdirSync(join(d, 'sub'), { recursive: true });
    writeFileSync(join(d, 'a'), 'a');
    symlinkSync(join(d, 'a'), join(d, 'link'));
    await assert.rejects(hashModel(d), (e: unknown) => e instanceof SignError && e.code === 'E_SIG_MODEL');
    const m = await hashModel(d, { allowSymlinks: true });
    assert.deepEqual(
      m.resources.map((r) => r.name),
      ['a', 'link'],
    );
    symlinkSync(d, join(d, 'sub', 'loop'));
    await assert.rejects(hashModel(d, { allowSymlinks: true }), (e: unknown) => e instanceof SignError && /loop/.test(e.message));
  });
  it('special files are refused', async () => {
    const d = join(tmp(), 'm');
    mkdirSync(d);
    execFileSync('mkfifo', [join(d, 'pipe')]);
    await assert.rejects(hashModel(d), (e: unknown) => e instanceof SignError && e.code === 'E_SIG_MODEL');
  });
  it('a file that changes while it is hashed gives no digest', () => {
    const d = tmp();
    const p = join(d, 'f');
    writeFileSync(p, 'abc');
    const r = hashRange({ path: p, start: 0, end: 3, node: 'sha256', size: 4, mtimeMs: 0 });
    assert.ok('error' in r);
  });
});
