/**
 * End to end with Debian's PyTorch: a real TCPStore master behind `tunnel
 * serve`, real clients through `tunnel connect`; a 2-rank gloo all-reduce
 * whose store traffic crosses the tunnel; a killed tunnel seen by PyTorch
 * as an error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeCluster, startConnect, startServe, type Cluster } from './harness.js';
import { py, storeMaster } from './python.js';

describe('PyTorch TCPStore through the tunnel', { timeout: 180_000 }, () => {
  let cluster: Cluster;
  let master: Awaited<ReturnType<typeof storeMaster>>;
  let served: Awaited<ReturnType<typeof startServe>>;
  let conn: Awaited<ReturnType<typeof startConnect>>;
  before(async () => {
    cluster = await makeCluster(['master', 'worker']);
    master = await storeMaster();
    served = await startServe(cluster.files('master'), master.port);
    conn = await startConnect(cluster.files('worker'), served.serve.address.port);
  });
  after(async () => {
    await conn.connect.close();
    await served.serve.close();
    await master.stop();
    cluster.cleanup();
  });

  it('set, get, add, wait, compare_set and a 1 MiB value succeed through it', async () => {
    const c = py('client', String(conn.connect.address.port));
    const r = await c.exit();
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out.trim());
    assert.deepEqual(out, { get: 'hello through the tunnel', add: 7, wait: true, compare_set: 'swapped', num_keys: out.num_keys, big_roundtrip: true });
    assert.equal(typeof out.num_keys, 'number');
    assert.ok(served.log.lines.some((l) => l.event === 'accepted' && String(l.subject).includes('CN=worker')));
    assert.deepEqual(served.log.refusals(), []);
  });

  it('a 2-rank gloo all-reduce rendezvouses through it', async () => {
    const ranks = [0, 1].map((r) => py('allreduce', String(conn.connect.address.port), String(r)));
    const results = await Promise.all(ranks.map((r) => r.exit()));
    for (const [i, r] of results.entries()) {
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(JSON.parse(r.out.trim()), { rank: i, sum: 3 });
    }
  });

  it('a client of another cluster gets no store access', async () => {
    const other = await makeCluster(['worker']);
    const bad = await startConnect(other.files('worker'), served.serve.address.port);
    try {
      const c = py('client', String(bad.connect.address.port));
      const r = await c.exit();
      assert.notEqual(r.code, 0);
      assert.ok(served.log.refusals().length >= 1);
    } finally {
      await bad.connect.close();
      other.cleanup();
    }
  });

  it('killing the serve end surfaces in PyTorch as an error, not as data', async () => {
    const s2 = await startServe(cluster.files('master'), master.port);
    const c2 = await startConnect(cluster.files('worker'), s2.serve.address.port);
    const h = py('hold', String(c2.connect.address.port));
    try {
      assert.equal(await h.line(), 'ready');
      await s2.serve.close();
      h.child.stdin?.write('go\n');
      const r = JSON.parse(await h.line());
      assert.notEqual(r.error, null);
    } finally {
      h.child.stdin?.end();
      await h.exit();
      await c2.connect.close();
    }
  });
});
