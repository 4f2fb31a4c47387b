/** `tunnel run`: the rendezvous rewrite, and a real TCPStore client launched beside a connect end. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/dispatch.js';
import { isTorchrun, withRendezvous } from '../../src/tunnel/run.js';
import { memoryIO } from '../helpers.js';
import { makeCluster, startServe } from './harness.js';
import { PYTHON, STORE_SCRIPT, storeMaster } from './python.js';
import { freePort } from './stunnel.js';

describe('tunnel run', { timeout: 180_000 }, () => {
  it('points torchrun at the tunnel unless it chooses its own endpoint', () => {
    assert.deepEqual(withRendezvous(['torchrun', '--nnodes', '2', 'train.py'], 29500), [
      'torchrun',
      '--master_addr=127.0.0.1',
      '--master_port=29500',
      '--nnodes',
      '2',
      'train.py',
    ]);
    assert.deepEqual(withRendezvous(['python3', '-m', 'torch.distributed.run', 'train.py'], 1234), [
      'python3',
      '-m',
      'torch.distributed.run',
      '--master_addr=127.0.0.1',
      '--master_port=1234',
      'train.py',
    ]);
    assert.deepEqual(withRendezvous(['torchrun', '--rdzv_endpoint=x:1', 't.py'], 1), ['torchrun', '--rdzv_endpoint=x:1', 't.py']);
    assert.deepEqual(withRendezvous(['python3', 'train.py'], 1), ['python3', 'train.py']);
    assert.ok(isTorchrun(['/usr/bin/torchrun']));
  });

  it('usage errors exit 2', async () => {
    assert.equal(await main(['tunnel', 'run', '--connect', '127.0.0.1:1', '--cluster', '/nonexistent', '--node', 'n'], memoryIO()), 2);
    assert.equal(await main(['tunnel', 'run', '--cluster', '/nonexistent', '--node', 'n', '--', 'true'], memoryIO()), 2);
    assert.equal(await main(['tunnel', 'connect', '--listen', '0.0.0.0:0', '--to', '127.0.0.1:1', '--cluster', '/nonexistent', '--node', 'n'], memoryIO()), 2);
  });

  it('runs a PyTorch store client through a connect end and returns its exit status', async () => {
    const cluster = await makeCluster(['master', 'worker']);
    const master = await storeMaster();
    const s = await startServe(cluster.files('master'), master.port);
    try {
      const io = memoryIO({ ...process.env });
      const port = await freePort();
      const code = await main(
        [
          'tunnel',
          'run',
          '--connect',
          `127.0.0.1:${s.serve.address.port}`,
          '--store-port',
          String(port),
          '--cluster',
          cluster.dir,
          '--node',
          'worker',
          '--',
          PYTHON,
          STORE_SCRIPT,
          'client-env',
        ],
        io,
      );
      assert.equal(code, 0, io.err());
      assert.ok(s.log.lines.some((l) => l.event === 'accepted' && String(l.subject).includes('CN=worker')));
      assert.match(io.err(), /"event":"stopped"/);
    } finally {
      await s.serve.close();
      await master.stop();
      cluster.cleanup();
    }
  });
});
