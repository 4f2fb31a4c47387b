/** Interop with stunnel4 in both directions, carrying a real PyTorch TCPStore. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeCluster, startConnect, startServe, type Cluster } from './harness.js';
import { py, storeMaster } from './python.js';
import { startStunnel } from './stunnel.js';

describe('stunnel4 interop', { timeout: 180_000 }, () => {
  let cluster: Cluster;
  let master: Awaited<ReturnType<typeof storeMaster>>;
  before(async () => {
    cluster = await makeCluster(['master', 'worker']);
    master = await storeMaster();
  });
  after(async () => {
    await master.stop();
    cluster.cleanup();
  });

  async function storeClient(port: number) {
    const r = await py('client', String(port)).exit();
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out.trim());
    assert.equal(out.get, 'hello through the tunnel');
    assert.equal(out.big_roundtrip, true);
  }

  it('stunnel client -> tunnel serve -> TCPStore', async () => {
    const s = await startServe(cluster.files('master'), master.port);
    const st = await startStunnel('client', cluster.files('worker'), s.serve.address.port, cluster.dir);
    try {
      await storeClient(st.port);
      assert.ok(s.log.lines.some((l) => l.event === 'accepted' && String(l.subject).includes('CN=worker')));
    } finally {
      await st.stop();
      await s.serve.close();
    }
  });

  it('tunnel connect -> stunnel server -> TCPStore', async () => {
    const st = await startStunnel('server', cluster.files('master'), master.port, cluster.dir);
    const c = await startConnect(cluster.files('worker'), st.port);
    try {
      await storeClient(c.connect.address.port);
      assert.match(st.log(), /Certificate accepted at depth=0: O=test, CN=worker/);
    } finally {
      await c.connect.close();
      await st.stop();
    }
  });

  it('stunnel with a foreign certificate is refused by tunnel serve', async () => {
    const other = await makeCluster(['worker']);
    const s = await startServe(cluster.files('master'), master.port);
    const st = await startStunnel('client', other.files('worker'), s.serve.address.port, cluster.dir);
    try {
      const r = await py('client', String(st.port)).exit();
      assert.notEqual(r.code, 0);
      assert.ok(s.log.refusals().length >= 1);
    } finally {
      await st.stop();
      await s.serve.close();
      other.cleanup();
    }
  });
});
