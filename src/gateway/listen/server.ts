/**
 * Listeners with hardened defaults. Node's HTTP server already bounds the
 * header block (maxHeaderSize, 431) and times out slow headers and slow
 * requests (headersTimeout, requestTimeout, 408); the gateway tightens
 * those, checks them every half second, caps connections, counts header
 * fields (Node silently drops fields beyond maxHeadersCount, so the limit is
 * set one higher and enforced by the handler), and answers every malformed
 * request itself so each gets an audit record.
 *
 * Binding outside loopback needs `allowPublic` (or the CLI's
 * `--allow-public`) and is logged as a warning: model servers left open by
 * default are how ShellTorch and ShadowRay happened.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { isLoopback } from '../config/listener.js';
import type { ListenerConfig } from '../config/types.js';
import { GatewayError } from '../errors.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;
export type ClientErrorHandler = (code: string, socket: Socket) => void;

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new GatewayError('E_LISTEN', `${what} ${path}: cannot read (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
}

export function createListener(
  cfg: ListenerConfig,
  name: string,
  handler: Handler,
  onClientError: ClientErrorHandler,
  allowPublicFlag: boolean,
  log: (line: string) => void,
): Server {
  if (!isLoopback(cfg.host)) {
    if (!cfg.allowPublic && !allowPublicFlag) {
      throw new GatewayError('E_LISTEN', `${name} listener: ${cfg.host} is not a loopback address; set allowPublic: true or pass --allow-public to expose it`);
    }
    log(`WARNING: ${name} listener binds ${cfg.host}, reachable beyond this machine${cfg.tls === undefined ? ' without TLS' : ''}`);
  }
  const options = {
    headersTimeout: cfg.headersTimeoutMs,
    requestTimeout: cfg.requestTimeoutMs,
    keepAliveTimeout: cfg.keepAliveTimeoutMs,
    maxHeaderSize: cfg.maxHeaderBytes,
    connectionsCheckingInterval: 500,
    requireHostHeader: true,
    joinDuplicateHeaders: false,
  };
  const server: Server =
    cfg.tls === undefined
      ? createHttpServer(options, handler)
      : createHttpsServer(
          {
            ...options,
            cert: readPem(cfg.tls.cert, 'tls.cert'),
            key: readPem(cfg.tls.key, 'tls.key'),
            minVersion: cfg.tls.minVersion,
            ...(cfg.tls.clientCa === undefined
              ? {}
              : { ca: readPem(cfg.tls.clientCa, 'tls.clientCa'), requestCert: true, rejectUnauthorized: cfg.tls.requireClientCert }),
          },
          handler,
        );
  server.maxHeadersCount = cfg.maxHeaders + 1;
  server.maxConnections = cfg.maxConnections;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    onClientError(err.code ?? 'ERR_UNKNOWN', socket);
  });
  // A TLS handshake that fails (no or bad client certificate) never becomes a request.
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    onClientError(`TLS:${err.code ?? 'handshake'}`, socket);
  });
  return server;
}

export function listen(server: Server, cfg: ListenerConfig): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => {
      reject(new GatewayError('E_LISTEN', `cannot listen on ${cfg.host}:${cfg.port}: ${e.message}`, { cause: e }));
    };
    server.once('error', onError);
    server.listen({ host: cfg.host, port: cfg.port }, () => {
      server.off('error', onError);
      const a = server.address();
      resolve(typeof a === 'object' && a !== null ? { host: a.address, port: a.port } : { host: cfg.host, port: cfg.port });
    });
  });
}
