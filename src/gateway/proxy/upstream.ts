/**
 * Requests to model servers. Only what the gateway validated and
 * re-serialised is sent (never the client's bytes), with the upstream's
 * configured headers, over a keep-alive agent. Failures map to stable
 * reasons: `upstream/timeout` (504: no response headers in time, or a body
 * that stalls), `upstream/unreachable` (502), `upstream/too-large` and
 * `upstream/bad-response` (502).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { UpstreamConfig } from '../config/types.js';
import { refuse } from '../errors.js';

export type UpstreamAgent = HttpAgent | HttpsAgent;

export function agentFor(up: UpstreamConfig): UpstreamAgent {
  const options = { keepAlive: true, maxSockets: up.maxSockets, maxFreeSockets: Math.min(up.maxSockets, 64), scheduling: 'lifo' as const };
  return up.url.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
}

export interface UpstreamCall {
  readonly response: Promise<IncomingMessage>;
  abort(): void;
}

export function callUpstream(up: UpstreamConfig, agent: UpstreamAgent, path: string, body: Buffer, requestId: string, accept: string): UpstreamCall {
  const base = up.url.pathname.replace(/\/+$/, '');
  const request = up.url.protocol === 'https:' ? httpsRequest : httpRequest;
  const req = request({
    agent,
    method: 'POST',
    protocol: up.url.protocol,
    hostname: up.url.hostname,
    port: up.url.port === '' ? undefined : Number(up.url.port),
    path: `${base}${path}`,
    headers: { ...up.headers, 'content-type': 'application/json', 'content-length': String(body.length), accept, 'x-request-id': requestId },
  });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(refuse(504, 'upstream/timeout', `the model server did not answer within ${up.timeoutMs} ms`));
      req.destroy();
    }, up.timeoutMs);
    req.on('response', (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(refuse(502, 'upstream/unreachable', `the model server could not be reached (${(e as NodeJS.ErrnoException).code ?? e.message})`));
    });
  });
  req.end(body);
  return { response, abort: () => req.destroy() };
}

/** Reads a whole upstream body under the size limit and the idle time-out. */
export function readUpstreamBody(res: IncomingMessage, up: UpstreamConfig): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (e?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (e === undefined) resolve(Buffer.concat(chunks, size));
      else {
        res.destroy();
        reject(e);
      }
    };
    const timer = setTimeout(() => {
      finish(refuse(504, 'upstream/timeout', `the model server stalled for ${up.idleTimeoutMs} ms`));
    }, up.idleTimeoutMs);
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > up.maxResponseBytes) {
        finish(refuse(502, 'upstream/too-large', `response over ${up.maxResponseBytes} bytes`));
        return;
      }
      chunks.push(c);
      timer.refresh();
    });
    res.on('end', () => {
      finish();
    });
    res.on('error', () => {
      finish(refuse(502, 'upstream/bad-response', 'the model server broke the response off'));
    });
    res.on('aborted', () => {
      finish(refuse(502, 'upstream/bad-response', 'the model server broke the response off'));
    });
  });
}
