/** The `listen:` and `admin:` sections. */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { configError, Fields } from './fields.js';
import type { ListenerConfig, TlsConfig } from './types.js';

const LISTENER_KEYS = [
  'host',
  'port',
  'allowPublic',
  'tls',
  'headersTimeoutMs',
  'requestTimeoutMs',
  'keepAliveTimeoutMs',
  'maxHeaderBytes',
  'maxHeaders',
  'maxConnections',
] as const;

const HOSTNAME = /^(?:localhost|[0-9a-fA-F:.]+)$/;

function readTls(f: Fields | undefined, baseDir: string): TlsConfig | undefined {
  if (f === undefined) return undefined;
  const file = (k: string): string | undefined => {
    const v = f.string(k);
    return v === undefined ? undefined : resolve(baseDir, v);
  };
  const cert = file('cert');
  const key = file('key');
  if (cert === undefined) throw configError(f.at('cert'), 'required (PEM certificate file)');
  if (key === undefined) throw configError(f.at('key'), 'required (PEM private key file)');
  return {
    cert,
    key,
    clientCa: file('clientCa'),
    requireClientCert: f.boolean('requireClientCert', true),
    minVersion: f.oneOf('minVersion', ['TLSv1.2', 'TLSv1.3'] as const, 'TLSv1.2'),
  };
}

/** Whether `host` is a loopback address (binding there is the safe default). */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

export function readListener(f: Fields, baseDir: string, defaultPort: number): ListenerConfig {
  const host = f.string('host', { pattern: HOSTNAME, what: 'an IP address or localhost' }) ?? '127.0.0.1';
  if (host !== 'localhost' && isIP(host) === 0) throw configError(f.at('host'), 'expected an IP address or localhost');
  return {
    host,
    port: f.number('port', defaultPort, { integer: true, min: 0, max: 65535 }),
    allowPublic: f.boolean('allowPublic', false),
    tls: readTls(f.object('tls', ['cert', 'key', 'clientCa', 'requireClientCert', 'minVersion']), baseDir),
    headersTimeoutMs: f.number('headersTimeoutMs', 10_000, { integer: true, min: 100, max: 600_000 }),
    requestTimeoutMs: f.number('requestTimeoutMs', 30_000, { integer: true, min: 100, max: 3_600_000 }),
    keepAliveTimeoutMs: f.number('keepAliveTimeoutMs', 5_000, { integer: true, min: 0, max: 600_000 }),
    maxHeaderBytes: f.size('maxHeaderBytes', 16 * 1024, 1024 * 1024),
    maxHeaders: f.number('maxHeaders', 64, { integer: true, min: 8, max: 1000 }),
    maxConnections: f.number('maxConnections', 1024, { integer: true, min: 1, max: 1_000_000 }),
  };
}

export function listenerFields(value: unknown, path: string): Fields {
  return new Fields(value, path, LISTENER_KEYS);
}
