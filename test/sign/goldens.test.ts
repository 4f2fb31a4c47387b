/**
 * Interop with the reference implementation: every golden signed by a
 * released model_signing verifies, and every kind of tampering fails with
 * the right code.
 */
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SignError } from '../../src/sign/errors.js';
import { generateSigningKey } from '../../src/sign/keygen.js';
import { verifyModel } from '../../src/sign/verify.js';
import { GOLDENS, IBM_ID, IBM_ISSUER, KEYS, REF, copyGolden, methodFor, tmp } from './env.js';

const opts = (dir: string) => ({ signature: join(dir, 'model.sig'), ignorePaths: ['ignore-me'] });

async function fails(p: Promise<unknown>, code: string): Promise<SignError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SignError, String(e));
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

describe('reference goldens verify', () => {
  for (const g of GOLDENS) {
    it(g.name, async () => {
      const dir = join(REF, g.name);
      const r = await verifyModel(g.model(dir), methodFor(g), opts(dir));
      assert.ok(r.manifest.resources.length >= 1);
    });
  }
});

describe('tampering fails', () => {
  for (const g of GOLDENS) {
    it(`${g.name}: any changed byte in any signed file`, async () => {
      const dir = copyGolden(g.name);
      const files = g.model(dir) === dir ? ['signme-1', 'signme-2'] : ['signme-1'];
      for (const f of files) {
        const p = join(dir, f);
        const orig = readFileSync(p);
        for (const at of [0, Math.floor(orig.length / 2), orig.length - 1]) {
          const bad = Buffer.from(orig);
          bad[at] = (bad[at] as number) ^ 0x01;
          writeFileSync(p, bad);
          const e = await fails(verifyModel(g.model(dir), methodFor(g), opts(dir)), 'E_SIG_MISMATCH');
          assert.equal(e.differences[0]?.kind, 'changed');
        }
        writeFileSync(p, orig);
      }
    });
  }
  it('a missing file, an extra file, and --ignore-unsigned-files', async () => {
    const dir = copyGolden('v1.1.0-elliptic-key');
    const m = methodFor(GOLDENS.find((x) => x.name === 'v1.1.0-elliptic-key') as (typeof GOLDENS)[number]);
    writeFileSync(join(dir, 'extra.bin'), 'x');
    const extra = await fails(verifyModel(dir, m, opts(dir)), 'E_SIG_MISMATCH');
    assert.deepEqual(
      extra.differences.map((d) => [d.kind, d.name]),
      [['extra', 'extra.bin']],
    );
    await verifyModel(dir, m, { ...opts(dir), ignoreUnsignedFiles: true });
    unlinkSync(join(dir, 'extra.bin'));
    renameSync(join(dir, 'signme-2'), join(tmp(), 'gone'));
    const missing = await fails(verifyModel(dir, m, opts(dir)), 'E_SIG_MISMATCH');
    assert.deepEqual(
      missing.differences.map((d) => [d.kind, d.name]),
      [['missing', 'signme-2']],
    );
  });
  it('the ignore-me file of older goldens is extra unless ignored', async () => {
    const dir = join(REF, 'v1.0.1-elliptic-key');
    const g = GOLDENS.find((x) => x.name === 'v1.0.1-elliptic-key') as (typeof GOLDENS)[number];
    await fails(verifyModel(dir, methodFor(g), { signature: join(dir, 'model.sig') }), 'E_SIG_MISMATCH');
  });
});

describe('wrong trust fails', () => {
  it('a wrong public key', async () => {
    const d = tmp();
    writeFileSync(join(d, 'other.pub'), generateSigningKey('P-384').publicPem);
    for (const name of ['v1.1.0-elliptic-key', 'v1.0.1-elliptic-key']) {
      await fails(verifyModel(join(REF, name), { method: 'key', publicKey: join(d, 'other.pub') }, opts(join(REF, name))), 'E_SIG_VERIFY');
    }
  });
  it('a wrong trust anchor, and an intermediate taken for a root', async () => {
    const dir = join(REF, 'v1.1.0-certificate');
    await fails(verifyModel(dir, { method: 'certificate', certificateChain: [join(KEYS, 'signing-key-cert.pem')] }, opts(dir)), 'E_SIG_VERIFY');
    const d = tmp();
    writeFileSync(join(d, 'self.pem'), readFileSync(join(KEYS, 'ca-cert.pem')).toString().replace('MII', 'MIJ'));
    await assert.rejects(verifyModel(dir, { method: 'certificate', certificateChain: [join(d, 'self.pem')] }, opts(dir)), SignError);
  });
  it('another keyless identity or issuer', async () => {
    const dir = join(REF, 'v1.1.0-sigstore');
    await fails(verifyModel(dir, { method: 'sigstore', identity: 'mallory@example.com', identityProvider: IBM_ISSUER }, opts(dir)), 'E_SIG_VERIFY');
    await fails(verifyModel(dir, { method: 'sigstore', identity: IBM_ID, identityProvider: 'https://accounts.google.com' }, opts(dir)), 'E_SIG_VERIFY');
  });
  it('a payload edited after signing', async () => {
    const dir = copyGolden('v1.1.0-elliptic-key');
    const sig = JSON.parse(readFileSync(join(dir, 'model.sig'), 'utf8')) as { dsseEnvelope: { payload: string } };
    const stmt = Buffer.from(sig.dsseEnvelope.payload, 'base64').toString().replace('signme-1', 'signme-3');
    sig.dsseEnvelope.payload = Buffer.from(stmt).toString('base64');
    writeFileSync(join(dir, 'model.sig'), JSON.stringify(sig));
    await fails(verifyModel(dir, { method: 'key', publicKey: join(KEYS, 'signing-key-pub.pem') }, opts(dir)), 'E_SIG_VERIFY');
    appendFileSync(join(dir, 'model.sig'), '}');
    await fails(verifyModel(dir, { method: 'key', publicKey: join(KEYS, 'signing-key-pub.pem') }, opts(dir)), 'E_SIG_BUNDLE');
  });
});
