/** Writing gateway responses: JSON errors in the OpenAI error shape, with the refusal's headers. */
import type { ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): number {
  const text = JSON.stringify(body);
  const bytes = Buffer.byteLength(text);
  if (res.headersSent || res.destroyed) return 0;
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(bytes),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
  return bytes;
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Readonly<Record<string, string>> = {}): number {
  return sendJson(res, status, { error: { type: 'modelguard_gateway', code, message } }, headers);
}

/** A raw HTTP/1.1 error for connections whose request never parsed (clientError). */
export function rawError(status: number, text: string): string {
  const body = JSON.stringify({ error: { type: 'modelguard_gateway', code: text, message: text } });
  return `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
