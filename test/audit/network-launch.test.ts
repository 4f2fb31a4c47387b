import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { auditLaunch, auditLaunchText, isPrivateAddress } from '../../src/audit/launch.js';
import { auditNetwork, parseProcNetTcp } from '../../src/audit/network.js';
import { main } from '../../src/cli/dispatch.js';
import { memoryIO } from '../helpers.js';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
// 0.0.0.0:29500 LISTEN, 127.0.0.1:29400 LISTEN, 10.0.0.5:8080 ESTABLISHED (01), [::]:8265 LISTEN
const TCP = `${HEADER}   0: 00000000:733C 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:72D8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4243 1 0000000000000000 100 0 0 10 0
   2: 0500000A:1F90 0600000A:C350 01 00000000:00000000 00:00000000 00000000  1000        0 4244 1 0000000000000000 100 0 0 10 0
   3: garbage line
`;
const TCP6 = `${HEADER}   0: 00000000000000000000000000000000:2049 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5151 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:733C 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5152 1 0000000000000000 100 0 0 10 0
`;

describe('audit network', () => {
  it('decodes /proc/net/tcp{,6} listeners and skips malformed lines', () => {
    assert.deepEqual(
      parseProcNetTcp(TCP).map((l) => `${l.address}:${l.port}`),
      ['0.0.0.0:29500', '127.0.0.1:29400'],
    );
    assert.deepEqual(
      parseProcNetTcp(TCP6).map((l) => `${l.address}:${l.port}`),
      [':::8265', '::1:29500'],
    );
  });

  it('flags ML ports beyond loopback with the owning process, not loopback ones', () => {
    const proc = mkdtempSync(join(tmpdir(), 'mg-proc-'));
    try {
      mkdirSync(join(proc, 'net'));
      writeFileSync(join(proc, 'net', 'tcp'), TCP);
      writeFileSync(join(proc, 'net', 'tcp6'), TCP6);
      mkdirSync(join(proc, '777', 'fd'), { recursive: true });
      writeFileSync(join(proc, '777', 'comm'), 'python3\n');
      symlinkSync('socket:[4242]', join(proc, '777', 'fd', '5'));
      const r = auditNetwork({ proc });
      assert.deepEqual(
        r.findings.map((f) => [f.rule, f.where]),
        [
          ['network/ml-port-exposed', 'pid 777 (python3)'],
          ['network/ml-port-exposed', 'uid 0'],
        ],
      );
      assert.match(r.findings[0]!.message, /29500/);
      assert.match(r.findings[1]!.message, /\[::\]:8265/);
    } finally {
      rmSync(proc, { recursive: true, force: true });
    }
  });

  it('reads the real /proc: a loopback listener on a user port is seen and not flagged', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as { port: number }).port;
    try {
      const r = auditNetwork({ ports: [port] });
      assert.ok(r.checked.listeners >= 1);
      assert.ok(r.checked.ports.includes(port));
      assert.equal(r.findings.filter((f) => f.message.includes(`:${port} `)).length, 0);
    } finally {
      s.close();
    }
  });
});

describe('audit launch', () => {
  const rules = (t: string, py = false) => auditLaunchText(t, 'x', py).map((f) => f.rule);

  it('flags public rendezvous addresses, not private or loopback ones', () => {
    assert.deepEqual(rules('torchrun --nnodes 2 --master_addr 203.0.113.9 --master_port 29500 train.py'), ['launch/public-rendezvous']);
    assert.deepEqual(rules('torchrun --rdzv_endpoint=198.51.100.2:29400 train.py'), ['launch/public-rendezvous']);
    assert.deepEqual(rules('export MASTER_ADDR=8.8.8.8'), ['launch/public-rendezvous']);
    assert.deepEqual(rules('DMLC_PS_ROOT_URI=2001:4860::8888 python train.py'), ['launch/public-rendezvous']);
    assert.deepEqual(rules('dist.init_process_group("gloo", init_method="tcp://203.0.113.1:23456")', true), ['launch/public-rendezvous']);
    assert.deepEqual(rules('torchrun --master_addr 10.0.0.2 --master_port 29500 train.py'), []);
    assert.deepEqual(rules('torchrun --master_addr 127.0.0.1 train.py'), []);
    assert.deepEqual(rules('torchrun --master_addr node0.cluster train.py'), []);
    assert.ok(isPrivateAddress('192.168.1.1') && isPrivateAddress('fd00::1') && isPrivateAddress('100.64.0.1'));
    assert.ok(!isPrivateAddress('172.32.0.1') && !isPrivateAddress('2001:db8::1'));
  });

  it('flags binds to every interface', () => {
    assert.deepEqual(rules('torchrun --master_addr 0.0.0.0 train.py'), ['launch/bind-all']);
    assert.deepEqual(rules('store = TCPStore("0.0.0.0", 29500, 2, True)', true), ['launch/bind-all']);
    assert.deepEqual(rules('server.bind(("0.0.0.0", 29500))', true), ['launch/bind-all']);
  });

  it('flags pickle over the wire and MXNet set_optimizer in Python, ignoring comments', () => {
    const src = [
      'import torch.distributed as dist',
      'dist.broadcast_object_list(objs, src=0)',
      'dist.all_gather_object(out, obj)',
      '# dist.scatter_object_list(a, b)',
      'from torch.distributed.rpc import rpc_sync',
      'kv = mx.kv.create("dist_sync"); kv.set_optimizer(opt)',
      'dist.all_reduce(t)',
    ].join('\n');
    const f = auditLaunchText(src, 'train.py', true);
    assert.deepEqual(
      f.map((x) => [x.rule, x.where]),
      [
        ['launch/pickle-over-wire', 'train.py:2'],
        ['launch/pickle-over-wire', 'train.py:3'],
        ['launch/pickle-over-wire', 'train.py:5'],
        ['launch/mxnet-set-optimizer', 'train.py:6'],
      ],
    );
  });

  it('reads Python files a command names, and the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-launch-'));
    try {
      writeFileSync(join(dir, 'train.py'), 'dist.gather_object(x, out)\n');
      const r = auditLaunch({ command: ['torchrun', '--nproc_per_node', '2', 'train.py'], env: { MASTER_ADDR: '203.0.113.7' }, cwd: dir });
      assert.deepEqual(r.findings.map((f) => f.rule).sort(), ['launch/pickle-over-wire', 'launch/public-rendezvous']);
      assert.equal(r.checked.files.length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CLI: exit 1 with findings, 0 without, 2 on usage', async () => {
    let io = memoryIO({});
    assert.equal(await main(['audit', 'launch', '--json', '--', 'torchrun', '--master_addr=203.0.113.5', 'x.py'], io), 1);
    assert.equal(JSON.parse(io.out()).findings[0].rule, 'launch/public-rendezvous');
    io = memoryIO({});
    assert.equal(await main(['audit', 'launch', '--', 'torchrun', '--master_addr=10.1.1.1', 'x.py'], io), 0);
    io = memoryIO({});
    assert.equal(await main(['audit', 'launch'], io), 2);
  });
});
