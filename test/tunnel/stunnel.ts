/** Starts Debian's stunnel4 (client or server role) for interop tests and the benchmark. */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import type { CredentialFiles } from '../../src/tunnel/credentials.js';

export const STUNNEL = '/usr/bin/stunnel4';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => {
        resolve(port);
      });
    });
  });
}

async function listening(port: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => {
        r(false);
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Stunnel {
  port: number;
  log(): string;
  stop(): Promise<void>;
}

/**
 * `client`: accepts plaintext on a free loopback port, dials TLS to `to` presenting `files`' certificate.
 * `server`: accepts TLS (client certificate required, chained to the CA) on a free port, relays to `to` in plaintext.
 */
export async function startStunnel(role: 'client' | 'server', files: CredentialFiles, to: number, dir: string, debug = 6): Promise<Stunnel> {
  const port = await freePort();
  const conf = join(dir, `stunnel-${role}-${port}.conf`);
  writeFileSync(
    conf,
    [
      'foreground = yes',
      'pid =',
      `debug = ${debug}`,
      `[${role}]`,
      `client = ${role === 'client' ? 'yes' : 'no'}`,
      `accept = 127.0.0.1:${port}`,
      `connect = 127.0.0.1:${to}`,
      `cert = ${files.cert}`,
      `key = ${files.key}`,
      `CAfile = ${files.ca}`,
      'verifyChain = yes',
      ...(role === 'server' ? ['requireCert = yes'] : ['checkIP = 127.0.0.1']),
      'sslVersionMin = TLSv1.3',
      'socket = l:TCP_NODELAY=1',
      'socket = r:TCP_NODELAY=1',
      '',
    ].join('\n'),
  );
  const child = spawn(STUNNEL, [conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((r) =>
    child.on('exit', () => {
      r();
    }),
  );
  await Promise.race([listening(port), exited.then(() => Promise.reject(new Error(`stunnel exited: ${log}`)))]);
  return {
    port,
    log: () => log,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
