/**
 * A real Redis for the shared-limit tests. `.ci/run` installs Debian's
 * redis-server, starts it on a free loopback port and exports
 * MODELGUARD_TEST_REDIS=host:port; without it, the tests start their own
 * redis-server the same way (and fail, not skip, if there is none).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';

export interface TestRedis {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) =>
    s.close(() => {
      r();
    }),
  );
  return port;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.on('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => {
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not start on port ${port}`);
}

export async function startRedis(): Promise<TestRedis> {
  const given = process.env['MODELGUARD_TEST_REDIS'];
  if (given !== undefined && given !== '') {
    const [host, port] = given.split(':');
    await waitForPort(Number(port));
    return { host: host ?? '127.0.0.1', port: Number(port), stop: () => Promise.resolve() };
  }
  if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error('redis-server is not installed (apt-get install redis-server, or run .ci/run)');
  const port = await freePort();
  // The test starts a real server process: that is the point of this helper.
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitForPort(port);
  return {
    host: '127.0.0.1',
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => {
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
