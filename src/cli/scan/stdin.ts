/**
 * `modelguard scan -`: the bytes of standard input, scanned from memory
 * (nothing is written to disk), reported as `<stdin>`.
 */
import { ModelguardError } from '../../errors.js';

/** Most bytes read from standard input: it is held in memory whole (CWE-400). Larger models: scan the file. */
export const MAX_STDIN_BYTES = 2 ** 31;

export async function readAll(stream: NodeJS.ReadableStream, max = MAX_STDIN_BYTES): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const c = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array);
    total += c.length;
    if (total > max) throw new ModelguardError('E_LIMIT', `standard input is larger than ${max} bytes; scan the file instead`);
    chunks.push(c);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
