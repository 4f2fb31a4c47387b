/**
 * Peers the serve end must refuse, each before a byte reaches the service:
 * no certificate, another CA, revoked, expired, wrong purpose, not on the
 * allowlist, garbage, a stalled handshake, a connection flood. Established
 * connections keep flowing meanwhile.
 */
import assert from 'node:assert/strict';
import { randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { issueNode, revoke } from '../../src/cluster/cluster.js';
import { REFUSAL_LOG_BURST } from '../../src/tunnel/log.js';
import { echoUpstream, exchange, makeCluster, startConnect, startServe, until, type Cluster, type Upstream } from './harness.js';

describe('tunnel serve refuses bad peers before the service sees a byte', () => {
  let cluster: Cluster;
  let other: Cluster;
  let up: Upstream;
  let served: Awaited<ReturnType<typeof startServe>>;
  const clients: { close(): Promise<void> }[] = [];

  before(async () => {
    cluster = await makeCluster(['master', 'worker', 'revoked-one', 'old']);
    other = await makeCluster(['worker']);
    await issueNode({ dir: cluster.dir, node: 'server-only', usages: ['server'], names: ['127.0.0.1'] });
    await issueNode({
      dir: cluster.dir,
      node: 'expired',
      names: ['127.0.0.1'],
      now: new Date(Date.now() - 3 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    up = await echoUpstream();
    served = await startServe(cluster.files('master'), up.port);
  });
  after(async () => {
    for (const c of clients) await c.close();
    await served.serve.close();
    await up.close();
    cluster.cleanup();
    other.cleanup();
  });

  /** Dials the serve end through a connect end with `files`, sends bytes, returns what came back. */
  async function through(files: ReturnType<Cluster['files']>) {
    const c = await startConnect(files, served.serve.address.port);
    clients.push(c.connect);
    return exchange(c.connect.address.port, Buffer.from('set key value'), 13);
  }

  it('accepts a cluster node (control)', async () => {
    const before = up.connections;
    const r = await through(cluster.files('worker'));
    assert.equal(r.got.toString(), 'set key value');
    assert.equal(up.connections, before + 1);
  });

  it('refuses a client without a certificate', async () => {
    const before = { c: up.connections, b: up.bytes };
    await new Promise<void>((resolve) => {
      const s = tlsConnect({ host: '127.0.0.1', port: served.serve.address.port, ca: readCa(cluster), servername: 'localhost', minVersion: 'TLSv1.3' }, () =>
        s.write('hello'),
      );
      s.on('error', () => {
        resolve();
      });
      s.on('close', () => {
        resolve();
      });
    });
    await until(() => served.log.refusals().includes('tls-verify') || served.log.refusals().includes('tls-handshake'));
    assert.deepEqual({ c: up.connections, b: up.bytes }, before);
  });

  for (const [name, node, reason] of [
    ['a certificate from another CA', 'other:worker', /tls-(verify|handshake)/],
    ['an expired certificate', 'expired', /tls-(verify|handshake)/],
    ['a server-only (wrong purpose) certificate', 'server-only', /tls-(verify|handshake)|wrong-usage/],
  ] as const) {
    it(`refuses ${name}`, async () => {
      const before = { c: up.connections, b: up.bytes };
      const n = served.log.lines.length;
      const files = node.startsWith('other:') ? other.files(node.slice(6)) : cluster.files(node);
      const r = await through(files);
      assert.equal(r.got.length, 0);
      assert.ok(r.closed);
      await until(() => served.log.lines.slice(n).some((l) => l.event === 'refused'));
      const refusal = served.log.lines.slice(n).find((l) => l.event === 'refused');
      assert.match(String(refusal?.reason), reason);
      assert.deepEqual({ c: up.connections, b: up.bytes }, before);
    });
  }

  it('refuses a revoked fingerprint once the revoked list changes (no restart)', async () => {
    const ok = await through(cluster.files('revoked-one'));
    assert.equal(ok.got.toString(), 'set key value');
    const fp = await revoke(cluster.dir, 'revoked-one');
    const before = { c: up.connections, b: up.bytes };
    // The list is re-read at most once a second: retry until the refusal shows, slowly enough that the
    // per-address connection-rate limit (on by default) is not what refuses the retries.
    const revokedLogged = (): boolean => served.log.lines.some((l) => l.event === 'refused' && l.reason === 'revoked');
    for (let i = 0; i < 60 && !revokedLogged(); i++) {
      const r = await through(cluster.files('revoked-one'));
      if (r.got.length > 0) {
        before.c = up.connections;
        before.b = up.bytes;
      }
      await new Promise((done) => setTimeout(done, 250));
    }
    const refusal = served.log.lines.find((l) => l.event === 'refused' && l.reason === 'revoked');
    assert.equal(refusal?.fingerprint, fp);
    assert.deepEqual({ c: up.connections, b: up.bytes }, before);
  });

  it('refuses garbage and logs it', async () => {
    const n = served.log.lines.length;
    const before = up.bytes;
    await new Promise<void>((resolve) => {
      const s = tcpConnect(served.serve.address.port, '127.0.0.1', () => s.write(randomBytes(4096)));
      s.on('error', () => {
        resolve();
      });
      s.on('close', () => {
        resolve();
      });
    });
    await until(() => served.log.lines.slice(n).some((l) => l.event === 'refused' && l.reason === 'tls-handshake'));
    assert.equal(up.bytes, before);
  });
});

describe('allowlist, stalls and floods', () => {
  let cluster: Cluster;
  let up: Upstream;
  before(async () => {
    cluster = await makeCluster(['master', 'worker', 'intruder']);
    up = await echoUpstream();
  });
  after(async () => {
    await up.close();
    cluster.cleanup();
  });

  it('with an allowlist, accepts listed fingerprints only', async () => {
    const allow = join(cluster.dir, 'allow');
    writeFileSync(allow, `# workers\n${new X509Certificate(readFileSync(cluster.files('worker').cert)).fingerprint256}\n`);
    const s = await startServe({ ...cluster.files('master'), allow }, up.port);
    const good = await startConnect(cluster.files('worker'), s.serve.address.port);
    const bad = await startConnect(cluster.files('intruder'), s.serve.address.port);
    try {
      assert.equal((await exchange(good.connect.address.port, Buffer.from('x'), 1)).got.toString(), 'x');
      assert.equal((await exchange(bad.connect.address.port, Buffer.from('x'), 1)).got.length, 0);
      await until(() => s.log.refusals().includes('not-allowlisted'));
    } finally {
      await good.connect.close();
      await bad.connect.close();
      await s.serve.close();
    }
  });

  it('drops a peer that stalls mid-handshake', async () => {
    const s = await startServe(cluster.files('master'), up.port, {}, { handshakeMs: 200 });
    try {
      const closed = await new Promise<boolean>((resolve) => {
        const sock = tcpConnect(s.serve.address.port, '127.0.0.1', () => sock.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]))); // a record header, then nothing
        sock.on('error', () => {
          resolve(true);
        });
        sock.on('close', () => {
          resolve(true);
        });
      });
      assert.ok(closed);
      await until(() => s.log.refusals().includes('handshake-timeout'));
    } finally {
      await s.serve.close();
    }
  });

  it('rate-limits a connection flood from one address while an established connection keeps flowing; refusal logs are bounded', async () => {
    const s = await startServe(cluster.files('master'), up.port, { ratePerSecond: 1, burst: 3 });
    const c = await startConnect(cluster.files('worker'), s.serve.address.port);
    try {
      // An established, verified connection.
      const live = tcpConnect(c.connect.address.port, '127.0.0.1');
      const echoed: Buffer[] = [];
      live.on('data', (d) => echoed.push(d));
      live.write('before');
      await until(() => Buffer.concat(echoed).toString() === 'before');
      // The flood: 300 raw connections.
      await Promise.all(
        Array.from(
          { length: 300 },
          () =>
            new Promise<void>((resolve) => {
              const f = tcpConnect(s.serve.address.port, '127.0.0.1');
              f.on('error', () => {
                resolve();
              });
              f.on('close', () => {
                resolve();
              });
              f.on('connect', () => setTimeout(() => f.destroy(), 50));
            }),
        ),
      );
      const refused = s.log.lines.filter((l) => l.event === 'refused' && l.reason === 'peer-rate-limit');
      assert.ok(refused.length >= 1);
      assert.ok(refused.length <= REFUSAL_LOG_BURST, `refusal lines are bounded (${refused.length})`);
      live.write('after');
      await until(() => Buffer.concat(echoed).toString() === 'beforeafter');
      live.destroy();
    } finally {
      await c.connect.close();
      await s.serve.close();
    }
  });

  it('caps connections per peer', async () => {
    const s = await startServe(cluster.files('master'), up.port, { maxPerPeer: 2 });
    try {
      const socks = Array.from({ length: 4 }, () => tcpConnect(s.serve.address.port, '127.0.0.1').on('error', () => undefined));
      await until(() => s.log.refusals().includes('peer-connection-cap'));
      assert.equal(s.serve.gate.open, 2);
      for (const x of socks) x.destroy();
    } finally {
      await s.serve.close();
    }
  });
});

describe('faults surface as connection errors', () => {
  it('killing the service or the serve end closes the client connection; nothing is spliced', async () => {
    const cluster = await makeCluster();
    const up = await echoUpstream();
    const s = await startServe(cluster.files('master'), up.port);
    const c = await startConnect(cluster.files('worker'), s.serve.address.port);
    try {
      for (const kill of [
        () => {
          up.sockets.forEach((x) => x.destroy());
        },
        () => void s.serve.close(),
      ]) {
        const sock = tcpConnect(c.connect.address.port, '127.0.0.1');
        const got: Buffer[] = [];
        sock.on('data', (d) => got.push(d));
        sock.on('error', () => undefined);
        const closed = new Promise<void>((r) =>
          sock.on('close', () => {
            r();
          }),
        );
        sock.write('ping');
        await until(() => Buffer.concat(got).toString() === 'ping');
        kill();
        await closed;
        assert.equal(Buffer.concat(got).toString(), 'ping');
      }
    } finally {
      await c.connect.close();
      await s.serve.close();
      await up.close();
      cluster.cleanup();
    }
  });
});

function readCa(c: Cluster): string {
  return readFileSync(c.files('master').ca, 'utf8');
}
