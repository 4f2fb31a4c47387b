/**
 * Listeners: TLS, mutual TLS (a client without a certificate is refused
 * at the handshake and audited), and the loopback default (a public bind
 * needs the explicit flag and is logged). Certificates are made with the
 * openssl command line in a temporary folder.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GatewayError } from '../../src/gateway/errors.js';
import { createGateway } from '../../src/gateway/gateway.js';
import { defaultConfig, startHarness, type Harness } from './harness.js';
import { startUpstream } from './upstream.js';

function openssl(dir: string, input: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, input, stdio: ['pipe', 'ignore', 'ignore'] });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA. */
function makeCertificates(dir: string): void {
  openssl(
    dir,
    '',
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=modelguard test CA',
  );
  for (const [name, ext] of [
    ['server', 'subjectAltName=IP:127.0.0.1'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    openssl(
      dir,
      '',
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${name}`,
    );
    writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
    openssl(
      dir,
      '',
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    );
  }
}

function get(port: number, dir: string, path: string, withClientCert: boolean, key: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        ca: readFileSync(join(dir, 'ca.pem')),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        ...(withClientCert ? { cert: readFileSync(join(dir, 'client.pem')), key: readFileSync(join(dir, 'client.key')) } : {}),
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ model: 'small-chat', messages: [{ role: 'user', content: 'over TLS' }] }));
  });
}

describe('TLS and mutual TLS', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      mutate: (c, _url, dir) => {
        makeCertificates(dir);
        c.listen.tls = { cert: 'server.pem', key: 'server.key', clientCa: 'ca.pem' };
      },
    });
  });
  after(() => h.close());

  it('serves over TLS to a client with a certificate from the CA, and audits its fingerprint', async () => {
    const r = await get(h.gw.address.port, h.dir, '/v1/chat/completions', true, h.keys['alice'] ?? '');
    assert.equal(r.status, 200);
    assert.match(JSON.parse(r.body).choices[0].message.content, /over TLS/);
    const rec = (await h.audit(1)).at(-1);
    assert.match(rec?.clientCert ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });
  it('refuses a client without a certificate at the handshake, and audits it', async () => {
    const before = h.upstream.received.length;
    await assert.rejects(get(h.gw.address.port, h.dir, '/v1/chat/completions', false, h.keys['alice'] ?? ''));
    assert.equal(h.upstream.received.length, before);
    for (let i = 0; i < 100 && !(await h.audit(0)).some((r) => r.reason === 'tls/handshake'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok((await h.audit(0)).some((r) => r.reason === 'tls/handshake'));
  });
});

describe('listener binding', () => {
  it('binds loopback by default and refuses a public address without the explicit flag', async () => {
    const up = await startUpstream();
    try {
      const config = defaultConfig(up.url);
      delete config['admin'];
      delete config['keys'];
      delete config['audit'];
      const gw = await createGateway({ config, log: () => undefined });
      assert.equal(gw.address.host, '127.0.0.1');
      await gw.close();
      config['listen'].host = '0.0.0.0';
      await assert.rejects(createGateway({ config, log: () => undefined }), (e: unknown) => e instanceof GatewayError && e.code === 'E_LISTEN');
      const lines: string[] = [];
      const open = await createGateway({ config, allowPublic: true, log: (l) => lines.push(l) });
      await open.close();
      assert.ok(lines.some((l) => l.startsWith('WARNING: inference listener binds 0.0.0.0')));
    } finally {
      await up.close();
    }
  });
});
