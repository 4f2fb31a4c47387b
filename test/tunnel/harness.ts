/** Test harness: a cluster in a temp folder, tunnel ends in-process, an upstream that counts what reaches it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initCluster, issueNode } from '../../src/cluster/cluster.js';
import { connectTunnel } from '../../src/tunnel/connect.js';
import { clusterCredentialFiles, Credentials, type CredentialFiles } from '../../src/tunnel/credentials.js';
import { DEFAULT_GATE_LIMITS, type GateLimits } from '../../src/tunnel/gate.js';
import { createLog } from '../../src/tunnel/log.js';
import { serveTunnel, type RunningTunnel } from '../../src/tunnel/serve.js';

export interface Cluster {
  dir: string;
  files(node: string): CredentialFiles;
  cleanup(): void;
}

export async function makeCluster(nodes: readonly string[] = ['master', 'worker']): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'mg-cluster-'));
  await initCluster({ dir, name: 'test' });
  for (const n of nodes) await issueNode({ dir, node: n, names: ['127.0.0.1', 'localhost'] });
  return {
    dir,
    files: (n) => clusterCredentialFiles(dir, n),
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Logged {
  lines: Record<string, unknown>[];
  refusals(): string[];
}

export function memoryLog(): Logged & { log: ReturnType<typeof createLog> } {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    refusals: () => lines.filter((l) => l.event === 'refused').map((l) => String(l.reason)),
    log: createLog((l) => lines.push(JSON.parse(l) as Record<string, unknown>)),
  };
}

/** An upstream that echoes and records every connection and byte that reaches it. */
export interface Upstream {
  port: number;
  connections: number;
  bytes: number;
  sockets: Set<Socket>;
  server: Server;
  close(): Promise<void>;
}

export async function echoUpstream(): Promise<Upstream> {
  const u: Upstream = { port: 0, connections: 0, bytes: 0, sockets: new Set(), server: undefined as unknown as Server, close: () => Promise.resolve() };
  u.server = createServer((s) => {
    u.connections++;
    u.sockets.add(s);
    s.on('data', (d) => {
      u.bytes += d.length;
      s.write(d);
    });
    s.on('error', () => undefined);
    s.on('close', () => u.sockets.delete(s));
  });
  await new Promise<void>((r) => u.server.listen(0, '127.0.0.1', r));
  u.port = (u.server.address() as { port: number }).port;
  u.close = () =>
    new Promise((r) => {
      for (const s of u.sockets) s.destroy();
      u.server.close(() => {
        r();
      });
    });
  return u;
}

export interface Pair {
  serve: RunningTunnel;
  connect: RunningTunnel;
  serveLog: Logged;
  connectLog: Logged;
  close(): Promise<void>;
}

export async function startServe(
  files: CredentialFiles,
  toPort: number,
  limits: Partial<GateLimits> = {},
  extra: { handshakeMs?: number; idleMs?: number } = {},
) {
  const l = memoryLog();
  const serve = await serveTunnel({
    listen: { host: '127.0.0.1', port: 0 },
    to: { host: '127.0.0.1', port: toPort },
    credentials: new Credentials(files),
    limits: { ...DEFAULT_GATE_LIMITS, ...limits },
    handshakeMs: extra.handshakeMs ?? 10_000,
    idleMs: extra.idleMs ?? 0,
    log: l.log,
  });
  return { serve, log: l };
}

export async function startConnect(files: CredentialFiles, toPort: number, extra: { idleMs?: number; serverName?: string } = {}) {
  const l = memoryLog();
  const connectEnd = await connectTunnel({
    listen: { host: '127.0.0.1', port: 0 },
    to: { host: '127.0.0.1', port: toPort },
    credentials: new Credentials(files),
    limits: DEFAULT_GATE_LIMITS,
    handshakeMs: 10_000,
    idleMs: extra.idleMs ?? 0,
    log: l.log,
    ...(extra.serverName === undefined ? {} : { serverName: extra.serverName }),
  });
  return { connect: connectEnd, log: l };
}

export async function startPair(cluster: Cluster, toPort: number, client = 'worker'): Promise<Pair> {
  const s = await startServe(cluster.files('master'), toPort);
  const c = await startConnect(cluster.files(client), s.serve.address.port);
  return {
    serve: s.serve,
    connect: c.connect,
    serveLog: s.log,
    connectLog: c.log,
    close: async () => {
      await c.connect.close();
      await s.serve.close();
    },
  };
}

/** Sends `data` through a TCP connection to `port` and collects what comes back until `want` bytes or close. */
export function exchange(port: number, data: Buffer, want: number): Promise<{ got: Buffer; closed: boolean; error?: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let n = 0;
    const s = connect(port, '127.0.0.1', () => s.write(data));
    let done = false;
    const finish = (closed: boolean, error?: string) => {
      if (done) return;
      done = true;
      s.destroy();
      resolve({ got: Buffer.concat(chunks), closed, ...(error === undefined ? {} : { error }) });
    };
    s.on('data', (d) => {
      chunks.push(d);
      n += d.length;
      if (n >= want) finish(false);
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      finish(true, e.code);
    });
    s.on('close', () => {
      finish(true);
    });
  });
}

/** Waits until `cond` holds, polling (no timing assertion: the test's own timeout bounds it). */
export async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
}
