import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { echoUpstream, exchange, makeCluster, startPair, type Cluster, type Pair, type Upstream } from './harness.js';

describe('tunnel pair relays bytes', () => {
  let cluster: Cluster;
  let up: Upstream;
  let pair: Pair;
  before(async () => {
    cluster = await makeCluster();
    up = await echoUpstream();
    pair = await startPair(cluster, up.port);
  });
  after(async () => {
    await pair.close();
    await up.close();
    cluster.cleanup();
  });
  it('carries 4 MiB both ways unchanged', async () => {
    const data = randomBytes(4 << 20);
    const r = await exchange(pair.connect.address.port, data, data.length);
    assert.equal(r.got.length, data.length);
    assert.ok(r.got.equals(data));
    assert.deepEqual(pair.serveLog.refusals(), []);
  });
});
