/**
 * Request bodies, read under limits before anything parses them:
 * - size: a declared Content-Length over the limit is refused before one
 *   byte is read; chunked bodies are counted as they arrive and refused at
 *   the first byte over (CWE-400, CWE-770);
 * - time: a body that stalls longer than `idleMs` between chunks is refused
 *   (slow-body slowloris);
 * - a body cut short (the client closes early) is refused as truncated;
 * - compressed bodies are refused (a gzip bomb would bypass the size limit).
 */
import type { IncomingMessage } from 'node:http';
import { refuse } from '../errors.js';

export function checkBodyHeaders(req: IncomingMessage, maxBytes: number): void {
  const type = req.headers['content-type'];
  if (typeof type !== 'string' || !/^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i.test(type)) {
    throw refuse(415, 'body/content-type', 'expected Content-Type: application/json (UTF-8)');
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') throw refuse(415, 'body/content-encoding', 'compressed request bodies are not accepted');
  const length = req.headers['content-length'];
  if (length !== undefined && Number(length) > maxBytes) throw refuse(413, 'body/too-large', `request body over ${maxBytes} bytes`);
}

export function readBody(req: IncomingMessage, maxBytes: number, idleMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (e: Error | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('error', onError);
      req.off('close', onClose);
      if (e === undefined) resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
      else {
        // Stop reading: what is left of the body is never parsed.
        req.pause();
        reject(e);
      }
    };
    const timer = setTimeout(() => {
      finish(refuse(408, 'body/timeout', `request body stalled for ${idleMs} ms`));
    }, idleMs);
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > maxBytes) {
        finish(refuse(413, 'body/too-large', `request body over ${maxBytes} bytes`));
        return;
      }
      chunks.push(c);
      timer.refresh();
    };
    const onEnd = (): void => {
      finish(undefined);
    };
    const onAborted = (): void => {
      finish(refuse(400, 'body/truncated', 'the request body ended early'));
    };
    const onError = (): void => {
      finish(refuse(400, 'body/truncated', 'the request body could not be read'));
    };
    const onClose = (): void => {
      if (!req.complete) finish(refuse(400, 'body/truncated', 'the request body ended early'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Strict UTF-8 (a BOM is kept, so JSON parsing refuses it). */
export function decodeUtf8(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw refuse(400, 'body/encoding', 'request body is not valid UTF-8', { rules: ['body/encoding'] });
  }
}
