/**
 * `audit network`: TCP listeners on known ML ports (and user-given ones)
 * bound beyond loopback, from /proc/net/tcp and /proc/net/tcp6, with the
 * owning process when /proc lets us see its file descriptors.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { finding, type HostFinding } from './host-finding.js';
import { ML_PORTS, NETWORK_RULES } from './network-rules.js';

/** Lines read from one /proc/net/tcp* file. CWE-400. */
export const MAX_SOCKET_LINES = 200_000;
/** Processes and descriptors per process looked at to find socket owners. CWE-400. */
export const MAX_PROCESSES = 8192;
export const MAX_FDS_PER_PROCESS = 8192;

export interface Listener {
  address: string;
  port: number;
  inode: string;
  uid: number;
}

/** A /proc/net/tcp address: IPv4 as one little-endian word, IPv6 as four. */
function decodeAddress(hex: string): string {
  if (hex.length === 8) return [0, 1, 2, 3].map((i) => parseInt(hex.slice(6 - i * 2, 8 - i * 2), 16)).join('.');
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) for (let i = 3; i >= 0; i--) bytes.push(parseInt(hex.slice(w * 8 + i * 2, w * 8 + i * 2 + 2), 16));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Listening sockets (state 0A) of a /proc/net/tcp or tcp6 text. Malformed lines are skipped. */
export function parseProcNetTcp(text: string): Listener[] {
  const out: Listener[] = [];
  const lines = text.split('\n');
  for (const line of lines.slice(1, MAX_SOCKET_LINES + 1)) {
    const f = line.trim().split(/\s+/);
    const [local, state, uid, inode] = [f[1], f[3], f[7], f[9]];
    if (local === undefined || state !== '0A' || uid === undefined || inode === undefined) continue;
    const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(local);
    if (m?.[1] === undefined || m[2] === undefined) continue;
    out.push({ address: decodeAddress(m[1]), port: parseInt(m[2], 16), inode, uid: Number(uid) });
  }
  return out;
}

export function isLoopbackAddress(a: string): boolean {
  return /^127\./.test(a) || a === '::1' || a.startsWith('::ffff:127.');
}

/** Maps socket inodes to `pid (comm)`, for the processes we may look into. */
function socketOwners(proc: string, wanted: ReadonlySet<string>): Map<string, string> {
  const owners = new Map<string, string>();
  if (wanted.size === 0) return owners;
  let pids: string[] = [];
  try {
    pids = readdirSync(proc)
      .filter((p) => /^\d+$/.test(p))
      .slice(0, MAX_PROCESSES);
  } catch {
    return owners;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(join(proc, pid, 'fd')).slice(0, MAX_FDS_PER_PROCESS);
    } catch {
      continue; // not ours to see
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(join(proc, pid, 'fd', fd));
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode === undefined || !wanted.has(inode) || owners.has(inode)) continue;
      let comm = '?';
      try {
        comm = readFileSync(join(proc, pid, 'comm'), 'utf8').trim();
      } catch {
        /* the process ended */
      }
      owners.set(inode, `pid ${pid} (${comm})`);
    }
  }
  return owners;
}

export interface NetworkAuditOptions {
  /** Extra ports to treat as ML ports (the job's MASTER_PORT, a TorchServe config...). */
  ports?: readonly number[];
  proc?: string;
}

export interface NetworkAuditReport {
  schema: 'modelguard.audit-network/v1';
  findings: HostFinding[];
  checked: { listeners: number; ports: number[] };
}

export function auditNetwork(o: NetworkAuditOptions = {}): NetworkAuditReport {
  const proc = o.proc ?? '/proc';
  const ports = new Map(ML_PORTS);
  for (const p of o.ports ?? []) if (!ports.has(p)) ports.set(p, 'user-listed port');
  const listeners: Listener[] = [];
  for (const f of ['tcp', 'tcp6']) {
    try {
      listeners.push(...parseProcNetTcp(readFileSync(join(proc, 'net', f), 'utf8')));
    } catch {
      /* no IPv6, or no /proc */
    }
  }
  const exposed = listeners.filter((l) => ports.has(l.port) && !isLoopbackAddress(l.address));
  const owners = socketOwners(proc, new Set(exposed.map((l) => l.inode)));
  const findings = exposed.map((l) => {
    const addr = l.address.includes(':') ? `[${l.address}]` : l.address;
    const all = l.address === '0.0.0.0' || l.address === '::';
    return finding(
      NETWORK_RULES.mlPortExposed,
      owners.get(l.inode) ?? `uid ${l.uid}`,
      `${addr}:${l.port} (${ports.get(l.port) ?? ''}) listens on ${all ? 'every interface' : 'a non-loopback address'}`,
    );
  });
  return { schema: 'modelguard.audit-network/v1', findings, checked: { listeners: listeners.length, ports: [...ports.keys()].sort((a, b) => a - b) } };
}
