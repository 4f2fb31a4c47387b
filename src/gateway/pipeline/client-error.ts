/**
 * Requests that never parse (header block too large, headers or body too
 * slow, broken HTTP, failed TLS handshakes) get an HTTP error when the
 * socket can still take one, are closed, and leave an audit record.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { AuditRecord } from '../audit/record.js';
import { rawError } from '../http/respond.js';
import type { Runtime } from './runtime.js';

function classify(code: string): { status: number; reason: string } {
  if (code.startsWith('TLS:')) return { status: 0, reason: 'tls/handshake' };
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, reason: 'request/headers-too-large' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, reason: 'request/timeout' };
  if (code === 'ECONNRESET' || code === 'EPIPE') return { status: 0, reason: 'client/reset' };
  return { status: 400, reason: 'request/malformed' };
}

export function clientErrorHandler(rt: Runtime, listener: AuditRecord['listener']): (code: string, socket: Socket) => void {
  return (code, socket) => {
    const { status, reason } = classify(code);
    if (status !== 0 && socket.writable) socket.end(rawError(status, reason));
    else socket.destroy();
    // Cap the wait for the client to read the error: then the socket goes.
    setTimeout(() => socket.destroy(), 1000).unref();
    rt.metrics.requests.inc({ route: '-', status: String(status), action: 'refused' });
    rt.metrics.refusals.inc({ reason });
    rt.audit.write({
      ts: new Date(rt.now()).toISOString(),
      id: randomUUID(),
      listener,
      addr: socket.remoteAddress ?? '-',
      method: '-',
      path: '-',
      route: undefined,
      keyId: undefined,
      model: undefined,
      status,
      action: 'refused',
      reason,
      rules: [reason],
      shadow: [],
      detectorScore: undefined,
      requestBytes: socket.bytesRead,
      responseBytes: 0,
      stream: false,
      upstreamStatus: undefined,
      upstreamMs: undefined,
      latencyMs: 0,
      tokens: undefined,
      chars: undefined,
      promptHash: undefined,
      prompt: undefined,
      clientCert: undefined,
      pradaW: undefined,
    });
  };
}
