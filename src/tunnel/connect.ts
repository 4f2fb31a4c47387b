/**
 * `tunnel connect`: a local listener (loopback unless told otherwise) whose
 * connections are carried over TLS 1.3 to a `tunnel serve` (or any TLS
 * endpoint such as stunnel) that presents a certificate from the cluster CA
 * naming the host dialled, with the serverAuth usage, not revoked and, with
 * an allowlist, listed. This end presents its own node certificate.
 */
import { isIP, createServer, connect as tcpConnect, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect } from 'node:tls';
import { ClusterError } from '../cluster/errors.js';
import { formatEndpoint, isLoopback, peerKey } from './address.js';
import { TLS_VERSIONS } from './credentials.js';
import { Gate } from './gate.js';
import { closeServer, listenOn, type RunningTunnel, type TunnelOptions } from './serve.js';
import { relay } from './relay.js';

export interface ConnectOptions extends TunnelOptions {
  /** Accept local connections from beyond loopback (the plaintext side would then cross a network). */
  allowPublicListen?: boolean;
  /** Name expected in the server certificate, when it differs from the host dialled. */
  serverName?: string;
}

export async function connectTunnel(o: ConnectOptions): Promise<RunningTunnel> {
  if (!isLoopback(o.listen.host) && o.allowPublicListen !== true) {
    throw new ClusterError('E_USAGE', `tunnel connect listens in plaintext; ${o.listen.host} is not loopback (pass --allow-public-listen to insist)`);
  }
  const gate = new Gate(o.limits);
  const sockets = new Set<Socket>();
  const server = createServer({ pauseOnConnect: true, noDelay: true }, (local) => {
    const addr = peerKey(local.remoteAddress);
    local.on('error', () => undefined);
    const refusal = gate.admit(addr);
    if (refusal !== undefined) {
      o.log.refused(addr, refusal, { side: 'local', port: local.remotePort });
      local.destroy();
      return;
    }
    sockets.add(local);
    local.once('close', () => {
      sockets.delete(local);
      gate.release(addr);
    });
    const reloadError = o.credentials.refresh();
    if (reloadError !== undefined) o.log.event('reloaded', { ok: false, error: reloadError.message });
    const servername = o.serverName ?? o.to.host;
    // Our own TCP socket, so TCP_NODELAY is set on the socket that carries the records (small store messages must not wait for ACKs).
    const tcp = tcpConnect({ host: o.to.host, port: o.to.port, noDelay: true });
    const remote = tlsConnect({
      socket: tcp,
      secureContext: o.credentials.secureContext,
      ...TLS_VERSIONS,
      rejectUnauthorized: true,
      ...(isIP(servername) === 0 ? { servername } : {}),
      // Node's own check, against the name we expect (a SAN DNS or IP entry).
      checkServerIdentity: (_host, cert) => checkServerIdentity(servername, cert),
    });
    const to = formatEndpoint(o.to);
    const timer = setTimeout(() => {
      o.log.refused(to, 'handshake-timeout', { side: 'remote' });
      remote.destroy();
      tcp.destroy();
      local.destroy();
    }, o.handshakeMs);
    const onEarlyError = (e: NodeJS.ErrnoException): void => {
      clearTimeout(timer);
      o.log.refused(to, 'tls-handshake', { side: 'remote', error: e.code ?? 'error', detail: e.message.slice(0, 200) });
      remote.destroy();
      local.destroy();
    };
    remote.once('error', onEarlyError);
    let secured = false;
    tcp.on('error', (e) => {
      if (secured) remote.destroy(e);
      else onEarlyError(e);
    });
    remote.once('secureConnect', () => {
      clearTimeout(timer);
      secured = true;
      remote.off('error', onEarlyError);
      const leaf = remote.getPeerX509Certificate();
      const why = o.credentials.checkPeer(leaf, 'server');
      if (why !== undefined) {
        o.log.refused(to, why, { side: 'remote', fingerprint: leaf?.fingerprint256 });
        remote.destroy();
        local.destroy();
        return;
      }
      o.log.event('accepted', { peer: `${addr}:${local.remotePort ?? 0}`, to, fingerprint: leaf?.fingerprint256 });
      relay(local, remote, o.idleMs, (s) => {
        o.log.event('closed', { to, bytesOut: s.up, bytesIn: s.down, reason: s.reason, ...(s.error === undefined ? {} : { error: s.error }) });
      });
    });
  });
  const address = await listenOn(server, o.listen);
  o.log.event('listening', { role: 'connect', listen: formatEndpoint(address), to: formatEndpoint(o.to) });
  return { address, gate, close: () => closeServer(server, sockets) };
}
