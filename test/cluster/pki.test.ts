import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clusterPaths, initCluster, issueNode, normalizeFingerprint, readFingerprints, revoke } from '../../src/cluster/cluster.js';
import { ClusterError } from '../../src/cluster/errors.js';
import { oid, sequence, smallInteger, time, tlv, unsignedInteger } from '../../src/cluster/der.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('DER encoder', () => {
  it('encodes lengths at the short/long form boundaries', () => {
    assert.equal(hex(tlv(0x04, new Uint8Array(127))).slice(0, 4), '047f');
    assert.equal(hex(tlv(0x04, new Uint8Array(128))).slice(0, 6), '048180');
    assert.equal(hex(tlv(0x04, new Uint8Array(256))).slice(0, 8), '04820100');
  });
  it('encodes integers minimally and positive', () => {
    assert.equal(hex(smallInteger(0)), '020100');
    assert.equal(hex(smallInteger(127)), '02017f');
    assert.equal(hex(smallInteger(128)), '02020080');
    assert.equal(hex(unsignedInteger(Uint8Array.of(0, 0, 0x12))), '020112');
    assert.equal(hex(unsignedInteger(Uint8Array.of(0xff))), '020200ff');
  });
  it('encodes OIDs with multi-byte arcs (X.690 8.19)', () => {
    assert.equal(hex(oid('1.2.840.10045.4.3.2')), '06082a8648ce3d040302');
    assert.equal(hex(oid('2.5.29.17')), '0603551d11');
    assert.throws(() => oid('1.40'));
    assert.throws(() => oid('1.2.x'));
  });
  it('uses UTCTime before 2050 and GeneralizedTime from 2050 (RFC 5280 4.1.2.5)', () => {
    assert.equal(
      Buffer.from(time(new Date('2049-12-31T23:59:59Z')))
        .subarray(2)
        .toString(),
      '491231235959Z',
    );
    assert.equal(time(new Date('2049-12-31T23:59:59Z'))[0], 0x17);
    assert.equal(
      Buffer.from(time(new Date('2050-01-01T00:00:00Z')))
        .subarray(2)
        .toString(),
      '20500101000000Z',
    );
    assert.equal(time(new Date('2050-01-01T00:00:00Z'))[0], 0x18);
  });
  it('nests sequences', () => {
    assert.equal(hex(sequence(smallInteger(1), sequence())), '30050201013000');
  });
});

describe('cluster PKI on disk', () => {
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mg-pki-'));
    await initCluster({ dir, name: 'lab' });
    await issueNode({ dir, node: 'node-a', names: ['10.1.2.3', 'node-a.lan', 'fd00::7'] });
    await issueNode({ dir, node: 'srv', usages: ['server'] });
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const p = () => clusterPaths(dir);

  it('writes every file 0600 in a 0700 folder', () => {
    for (const f of [p().caCert, p().caKey, p().revoked, p().nodeCert('node-a'), p().nodeKey('node-a')]) assert.equal(statSync(f).mode & 0o777, 0o600, f);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  });

  it('makes certificates OpenSSL parses: v3, ECDSA-SHA256 on P-256, SANs, usages, CA constraints', () => {
    const ca = openssl('x509', '-in', p().caCert, '-noout', '-text');
    assert.match(ca, /Version: 3/);
    assert.match(ca, /CA:TRUE, pathlen:0/);
    assert.match(ca, /Certificate Sign, CRL Sign/);
    const node = openssl('x509', '-in', p().nodeCert('node-a'), '-noout', '-text');
    assert.match(node, /Signature Algorithm: ecdsa-with-SHA256/);
    assert.match(node, /NIST CURVE: P-256/);
    assert.match(node, /CA:FALSE/);
    assert.match(node, /TLS Web Server Authentication, TLS Web Client Authentication/);
    assert.match(node, /DNS:node-a, IP Address:10.1.2.3, DNS:node-a.lan, IP Address:FD00:0:0:0:0:0:0:7/);
    assert.match(node, /Subject: O = lab, CN = node-a/);
  });

  it('chains to the CA for both TLS purposes (openssl verify), and a server-only certificate fails as a client', () => {
    for (const purpose of ['sslclient', 'sslserver']) assert.match(openssl('verify', '-CAfile', p().caCert, '-purpose', purpose, p().nodeCert('node-a')), /OK/);
    assert.match(openssl('verify', '-CAfile', p().caCert, '-purpose', 'sslserver', p().nodeCert('srv')), /OK/);
    assert.throws(() => openssl('verify', '-CAfile', p().caCert, '-purpose', 'sslclient', p().nodeCert('srv')));
  });

  it('the private key matches the certificate and the signature verifies in node:crypto', () => {
    const cert = new X509Certificate(readFileSync(p().nodeCert('node-a')));
    const ca = new X509Certificate(readFileSync(p().caCert));
    assert.ok(cert.verify(ca.publicKey));
    assert.ok(cert.checkIssued(ca));
    assert.ok(cert.checkPrivateKey(createKey(p().nodeKey('node-a'))));
  });

  it('refuses a second init without --rotate; rotation keeps the old CA trusted', async () => {
    await assert.rejects(initCluster({ dir, name: 'lab' }), (e: unknown) => e instanceof ClusterError && e.code === 'E_EXISTS');
    const before = new X509Certificate(readFileSync(p().caCert)).fingerprint256;
    const r = await initCluster({ dir, name: 'lab', rotate: true });
    assert.equal(r.trusted, 2);
    const bundle = readFileSync(p().caCert, 'utf8');
    assert.equal(bundle.match(/BEGIN CERTIFICATE/g)?.length, 2);
    assert.match(openssl('verify', '-CAfile', p().caCert, p().nodeCert('node-a')), /OK/, 'a node of the old CA still verifies');
    await issueNode({ dir, node: 'node-b' });
    assert.match(openssl('verify', '-CAfile', p().caCert, p().nodeCert('node-b')), /OK/);
    assert.notEqual(r.fingerprint, before);
  });

  it('re-issue rotates the key, keeps the names, and can revoke the previous certificate', async () => {
    const old = new X509Certificate(readFileSync(p().nodeCert('node-a')));
    const info = await issueNode({ dir, node: 'node-a', revokePrevious: true });
    assert.notEqual(info.fingerprint, old.fingerprint256);
    assert.deepEqual(info.names, ['node-a', '10.1.2.3', 'node-a.lan', 'FD00:0:0:0:0:0:0:7']);
    assert.ok(readFingerprints(p().revoked).has(old.fingerprint256));
    assert.equal(await revoke(dir, 'srv'), new X509Certificate(readFileSync(p().nodeCert('srv'))).fingerprint256);
  });

  it('rejects bad node names, lifetimes and fingerprints', async () => {
    for (const node of ['../x', '', 'a/b', '-x', 'x'.repeat(64)])
      await assert.rejects(issueNode({ dir, node }), (e: unknown) => e instanceof ClusterError && e.code === 'E_USAGE');
    await assert.rejects(issueNode({ dir, node: 'ok', days: 0 }), (e: unknown) => e instanceof ClusterError && e.code === 'E_USAGE');
    await assert.rejects(issueNode({ dir, node: 'ok', days: 365 }), (e: unknown) => e instanceof ClusterError && e.code === 'E_USAGE');
    await assert.rejects(issueNode({ dir, node: 'ok', names: ['bad name!'] }));
    assert.throws(() => normalizeFingerprint('abc'));
    assert.equal(normalizeFingerprint('sha256:' + 'ab'.repeat(32)), Array(32).fill('AB').join(':'));
  });

  it('never writes a private key into a certificate or the revoked list', () => {
    for (const f of [p().caCert, p().nodeCert('node-a'), p().revoked]) assert.doesNotMatch(readFileSync(f, 'utf8'), /PRIVATE KEY/);
  });
});

function createKey(path: string) {
  return createPrivateKey(readFileSync(path));
}
