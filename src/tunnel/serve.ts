/**
 * `tunnel serve`: accepts TLS 1.3 connections from cluster nodes and relays
 * each, once the peer is verified, to a local service (the TCPStore master).
 *
 * Order of checks, cheapest first, and nothing reaches the service until all
 * pass: admission (total cap, per-peer cap, per-peer rate) on the raw TCP
 * connection; the TLS 1.3 handshake within `handshakeMs`, with a client
 * certificate that chains to the cluster CA (OpenSSL checks validity dates
 * and the clientAuth purpose); then the revocation list, the optional
 * allowlist and the extended key usage. Only then is the service dialled.
 */
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { ClusterError } from '../cluster/errors.js';
import { formatEndpoint, peerKey, type Endpoint } from './address.js';
import { TLS_VERSIONS, type Credentials } from './credentials.js';
import { Gate, type GateLimits } from './gate.js';
import type { TunnelLog } from './log.js';
import { relay } from './relay.js';

/** Longest a peer may take to complete the TLS handshake (the stall case). CWE-400. */
export const DEFAULT_HANDSHAKE_MS = 10_000;

export interface TunnelOptions {
  listen: Endpoint;
  to: Endpoint;
  credentials: Credentials;
  limits: GateLimits;
  handshakeMs: number;
  /** Close a relayed connection after this long without traffic; 0 keeps it (TCPStore clients idle for hours). */
  idleMs: number;
  log: TunnelLog;
}

export interface RunningTunnel {
  readonly address: Endpoint;
  readonly gate: Gate;
  close(): Promise<void>;
}

export function listenOn(server: Server, at: Endpoint): Promise<Endpoint> {
  return new Promise((resolve, reject) => {
    server.once('error', (e) => {
      reject(new ClusterError('E_IO', `cannot listen on ${formatEndpoint(at)}: ${e.message}`, { cause: e }));
    });
    server.listen({ host: at.host, port: at.port }, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a !== null ? { host: a.address, port: a.port } : at);
    });
  });
}

export function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
    for (const s of sockets) s.destroy();
  });
}

export async function serveTunnel(o: TunnelOptions): Promise<RunningTunnel> {
  const gate = new Gate(o.limits);
  const sockets = new Set<Socket>();
  // The TLS server never listens: the admission server hands it the connections it admits.
  // It verifies client certificates but does not reject on its own, so every refusal is logged here.
  const tlsServer = createTlsServer({
    ...TLS_VERSIONS,
    ca: [...o.credentials.caCertificates],
    ...o.credentials.ownPem,
    requestCert: true,
    rejectUnauthorized: false,
    handshakeTimeout: o.handshakeMs,
  });
  const peerOf = (s: Socket): { addr: string; peer: string } => {
    const addr = peerKey(s.remoteAddress);
    return { addr, peer: `${addr}:${s.remotePort ?? 0}` };
  };
  tlsServer.on('tlsClientError', (e: NodeJS.ErrnoException, tls: TLSSocket) => {
    const { addr, peer } = peerOf(tls);
    const reason = e.code === 'ERR_TLS_HANDSHAKE_TIMEOUT' ? 'handshake-timeout' : 'tls-handshake';
    o.log.refused(addr, reason, { peer, error: e.code ?? 'error', detail: e.message.slice(0, 200) });
    tls.destroy();
  });
  tlsServer.on('secureConnection', (tls: TLSSocket) => {
    const { addr, peer } = peerOf(tls);
    const leaf = tls.getPeerX509Certificate();
    if (!tls.authorized) {
      o.log.refused(addr, 'tls-verify', { peer, error: leaf === undefined ? 'NO_PEER_CERTIFICATE' : String(tls.authorizationError) });
      tls.destroy();
      return;
    }
    const why = o.credentials.checkPeer(leaf, 'client');
    const who = { fingerprint: leaf?.fingerprint256, subject: leaf?.subject.replace(/\n/g, ', ') };
    if (why !== undefined) {
      o.log.refused(addr, why, { peer, ...who });
      tls.destroy();
      return;
    }
    tls.pause();
    const up = tcpConnect({ host: o.to.host, port: o.to.port, noDelay: true });
    const onUpError = (e: NodeJS.ErrnoException): void => {
      o.log.event('upstream-error', { peer, to: formatEndpoint(o.to), error: e.code ?? e.message });
      tls.destroy();
    };
    up.once('error', onUpError);
    up.once('connect', () => {
      up.off('error', onUpError);
      o.log.event('accepted', { peer, ...who });
      relay(tls, up, o.idleMs, (s) => {
        o.log.event('closed', { peer, bytesIn: s.up, bytesOut: s.down, reason: s.reason, ...(s.error === undefined ? {} : { error: s.error }) });
      });
    });
  });
  o.credentials.onReload = () => {
    tlsServer.setSecureContext({ ...TLS_VERSIONS, ca: [...o.credentials.caCertificates], ...o.credentials.ownPem });
    o.log.event('reloaded', { ok: true });
  };
  const server = createServer({ pauseOnConnect: true, noDelay: true }, (raw) => {
    const { addr } = peerOf(raw);
    raw.on('error', () => undefined);
    const refusal = gate.admit(addr);
    if (refusal !== undefined) {
      o.log.refused(addr, refusal, { port: raw.remotePort });
      raw.destroy();
      return;
    }
    sockets.add(raw);
    raw.once('close', () => {
      sockets.delete(raw);
      gate.release(addr);
    });
    const reloadError = o.credentials.refresh();
    if (reloadError !== undefined) o.log.event('reloaded', { ok: false, error: reloadError.message });
    tlsServer.emit('connection', raw);
    raw.resume();
  });
  const address = await listenOn(server, o.listen);
  o.log.event('listening', { role: 'serve', listen: formatEndpoint(address), to: formatEndpoint(o.to) });
  return { address, gate, close: () => closeServer(server, sockets) };
}
