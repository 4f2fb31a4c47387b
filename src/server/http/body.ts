/** Small request bodies (JSON, forms), read with a limit before parsing (CWE-400). */
import type { IncomingMessage } from 'node:http';
import { RegistryError } from '../errors.js';

export const MAX_FORM_BYTES = 64 * 1024;

export async function readSmallBody(req: IncomingMessage, limit = MAX_FORM_BYTES): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw new RegistryError('E_TOO_LARGE', `request bodies here are at most ${limit} bytes`);
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of req) {
    n += (chunk as Buffer).length;
    if (n > limit) throw new RegistryError('E_TOO_LARGE', `request bodies here are at most ${limit} bytes`);
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

/** A JSON object body or an urlencoded form, as string fields. */
export async function readFields(req: IncomingMessage): Promise<Record<string, string>> {
  const body = (await readSmallBody(req)).toString('utf8');
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
  const out: Record<string, string> = {};
  if (type === 'application/json') {
    let v: unknown;
    try {
      v = JSON.parse(body);
    } catch {
      throw new RegistryError('E_BAD_REQUEST', 'the body is not JSON');
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new RegistryError('E_BAD_REQUEST', 'the body must be a JSON object');
    for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
    return out;
  }
  if (type === 'application/x-www-form-urlencoded') {
    for (const [k, x] of new URLSearchParams(body)) out[k] = x;
    return out;
  }
  throw new RegistryError('E_BAD_REQUEST', 'send application/json or a form');
}
