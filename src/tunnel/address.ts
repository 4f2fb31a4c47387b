/** `HOST:PORT` endpoints (`[v6]:port` for IPv6) and whether a host is loopback. */
import { isIP } from 'node:net';
import { ModelguardError } from '../errors.js';

export interface Endpoint {
  host: string;
  port: number;
}

export function parseEndpoint(s: string, what: string): Endpoint {
  const m = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(s) ?? /^([^:[\]\s]+):(\d{1,5})$/.exec(s);
  const port = Number(m?.[2]);
  if (m?.[1] === undefined || !Number.isInteger(port) || port > 65535)
    throw new ModelguardError('E_USAGE', `${what} must be HOST:PORT or [IPv6]:PORT (got ${JSON.stringify(s)})`);
  if (s.startsWith('[') && isIP(m[1]) !== 6) throw new ModelguardError('E_USAGE', `${what}: ${m[1]} is not an IPv6 address`);
  return { host: m[1], port };
}

export function formatEndpoint(e: Endpoint): string {
  return isIP(e.host) === 6 ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || /^::ffff:127\./i.test(host);
}

/** Strips the IPv4-mapped prefix node reports for dual-stack sockets, so one peer has one key. */
export function peerKey(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  return address.toLowerCase().startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
