/**
 * Where audit records go: a file opened for append (one JSON line each),
 * standard error, or nowhere. Writes are asynchronous and never block a
 * request; a failing file is reported once on standard error.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { GatewayError } from '../errors.js';
import type { AuditRecord } from './record.js';

export interface AuditSink {
  write(record: AuditRecord): void;
  close(): Promise<void>;
}

export function openAuditSink(file: string | undefined): AuditSink {
  if (file === undefined) return { write: () => undefined, close: () => Promise.resolve() };
  if (file === '-') return { write: (r) => void process.stderr.write(`${JSON.stringify(r)}\n`), close: () => Promise.resolve() };
  const stream: WriteStream = createWriteStream(file, { flags: 'a', mode: 0o600 });
  let reported = false;
  stream.on('error', (e) => {
    if (!reported) process.stderr.write(`modelguard gateway: audit log ${file}: ${e.message}\n`);
    reported = true;
  });
  return {
    write: (r) => void stream.write(`${JSON.stringify(r)}\n`),
    close: () => new Promise((resolve) => stream.end(resolve)),
  };
}

/** Keyed hash of prompt text: a key from a file (shared across restarts and replicas) or a random one per process. */
export function promptHasher(keyFile: string | undefined): (text: string) => string {
  let key: Buffer;
  if (keyFile === undefined) key = randomBytes(32);
  else {
    try {
      key = readFileSync(keyFile);
    } catch (e) {
      throw new GatewayError('E_CONFIG', `audit.hashKeyFile ${keyFile}: cannot read (${e instanceof Error ? e.message : String(e)})`, { cause: e });
    }
    if (key.length < 16) throw new GatewayError('E_CONFIG', `audit.hashKeyFile ${keyFile}: at least 16 bytes of key wanted`);
  }
  return (text) => `hmac-sha256:${createHmac('sha256', key).update(text).digest('hex')}`;
}
