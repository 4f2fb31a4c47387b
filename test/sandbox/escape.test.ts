/**
 * The escape suite: payloads that try to leave the sandbox, run through the
 * real pickle loader under bubblewrap. Each attempt must fail, and the
 * evidence must show it was made. The seccomp cases double as the proof
 * that the project's filter is applied: an empty network namespace still
 * lets AF_INET sockets be created and ptrace(TRACEME) succeed; only the
 * filter turns them into EPERM.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { detonate, type Detonation } from '../../src/sandbox/detonate.js';
import { SANDBOX_UID, tasksOf } from '../../src/sandbox/wrapper.js';
import { attempt, execPickle, result, writeTemp } from './payload.js';
import type { TestContext } from 'node:test';

async function run(t: TestContext, body: string, limits = {}): Promise<Detonation> {
  const file = writeTemp(t, 'escape.pkl', execPickle(attempt(body)));
  return detonate(file, { loader: 'pickle', limits: { wallMs: 20_000, ...limits } });
}

function sinkKinds(d: Detonation): string[] {
  return [...new Set(d.sinks.map((s) => s.sink ?? ''))].sort();
}

describe('escape suite (bubblewrap)', { concurrency: 2 }, () => {
  it('cannot write outside its tmpfs', async (t) => {
    const d = await run(
      t,
      `
r = 'wrote'
for p in ('/usr/lib/mg-escape', '/mg-escape', '/in/mg-escape', '/etc/mg-escape', '/dev/mg-escape', '/proc/mg-escape'):
    try:
        open(p, 'w').write('x')
        r = 'ESCAPED ' + p
        break
    except OSError as e:
        r = 'blocked:' + str(e.errno)`,
    );
    assert.match(result(d) ?? '', /^blocked:/);
    assert.equal(d.verdict, 'malicious');
    assert.ok(d.sinks.some((s) => s.event === 'open' && s.args.includes('/usr/lib/mg-escape')));
  });

  it('cannot reach the network: AF_INET is denied by seccomp, even to a host listener on loopback', async (t) => {
    const server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => server.close());
    const port = (server.address() as { port: number }).port;
    const d = await run(
      t,
      `
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('127.0.0.1', ${port}))
r = 'ESCAPED connected'`,
    );
    assert.equal(result(d), 'blocked:PermissionError:1');
    assert.ok(sinkKinds(d).includes('network'));
  });

  it('cannot resolve names or open netlink sockets', async (t) => {
    const d = await run(
      t,
      `
import socket
try:
    socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    r = 'ESCAPED netlink'
except OSError as e:
    r = 'netlink:' + str(e.errno)
try:
    socket.getaddrinfo('example.com', 80)
    r += ' ESCAPED dns'
except OSError:
    r += ' dns-failed'`,
    );
    assert.equal(result(d), 'netlink:1 dns-failed');
    assert.ok(d.sinks.some((s) => s.event === 'socket.getaddrinfo'));
  });

  it('cannot see host processes', async (t) => {
    const d = await run(
      t,
      `
pids = [p for p in os.listdir('/proc') if p.isdigit()]
r = 'pids:' + str(len(pids)) + ':' + ('self-visible' if '${process.pid}' in pids else 'host-hidden')`,
    );
    const m = /^pids:(\d+):(.*)$/.exec(result(d) ?? '');
    assert.ok(m !== null, result(d));
    assert.ok(Number(m[1]) <= 4, `sees ${m[1]} processes`);
    assert.equal(m[2], 'host-hidden');
  });

  it('cannot read /root or /etc/shadow', async (t) => {
    const d = await run(
      t,
      `
r = ''
for p in ('/etc/shadow', '/root/.bashrc', '/etc/passwd'):
    try:
        open(p).read()
        r += 'ESCAPED ' + p + ' '
    except OSError as e:
        r += str(e.errno) + ' '
try:
    os.listdir('/root')
    r += 'ESCAPED /root'
except OSError as e:
    r += str(e.errno)`,
    );
    assert.equal(result(d), '2 2 2 2');
    assert.ok(d.sinks.some((s) => s.sink === 'file-read' && s.args.includes('/etc/shadow')));
  });

  it('cannot ptrace (seccomp), mount or unshare', async (t) => {
    const d = await run(
      t,
      `
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
out = []
rc = libc.ptrace(0, 0, 0, 0)
out.append('ptrace=' + ('ok' if rc == 0 else str(ctypes.get_errno())))
rc = libc.mount(b'none', b'/tmp', b'tmpfs', 0, None)
out.append('mount=' + ('ok' if rc == 0 else str(ctypes.get_errno())))
rc = libc.unshare(0x10000000)
out.append('unshare=' + ('ok' if rc == 0 else str(ctypes.get_errno())))
r = ' '.join(out)`,
    );
    assert.equal(result(d), 'ptrace=1 mount=1 unshare=1');
    assert.ok(sinkKinds(d).includes('native'));
  });

  it('a fork bomb hits the process limit and the wall clock; nothing survives', async (t) => {
    const before = tasksOf(SANDBOX_UID);
    const d = await run(
      t,
      `
n = 0
r = 'forks'
while True:
    try:
        os.fork()
        n += 1
    except OSError as e:
        r = 'blocked:' + str(e.errno)
        open('/tmp/result', 'w').write(r)`,
      { wallMs: 4000, processes: 32 },
    );
    assert.ok(d.sinks.some((s) => s.event === 'os.fork'));
    assert.ok(d.sandbox.timedOut || d.verdict === 'malicious');
    // The pid namespace dies with bwrap; give the kernel a moment to reap it.
    for (let i = 0; i < 50 && tasksOf(SANDBOX_UID) > before; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(tasksOf(SANDBOX_UID) <= before, 'sandbox processes left behind');
  });

  it('a memory bomb fails with MemoryError under RLIMIT_AS', async (t) => {
    const d = await run(
      t,
      `
b = bytearray(6 << 30)
r = 'ESCAPED allocated'`,
    );
    assert.equal(result(d), 'blocked:MemoryError:');
  });

  it('gets an empty environment: nothing of the host leaks in', async (t) => {
    process.env['MG_CANARY_SECRET'] = 'host-secret';
    t.after(() => delete process.env['MG_CANARY_SECRET']);
    const d = await run(
      t,
      `
r = 'env:' + ','.join(sorted(k for k in os.environ if k not in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'BROWSER', 'LC_CTYPE', 'PWD')))`,
    );
    assert.equal(result(d), 'env:');
  });

  it('runs as uid 65534 with no capabilities', async (t) => {
    const d = await run(
      t,
      `
caps = [l.split()[1] for l in open('/proc/self/status') if l.startswith(('CapEff', 'CapPrm'))]
r = 'uid:' + str(os.getuid()) + ' caps:' + ','.join(caps)`,
    );
    assert.equal(result(d), 'uid:65534 caps:0000000000000000,0000000000000000');
  });
});
