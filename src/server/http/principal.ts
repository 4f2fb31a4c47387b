/**
 * Who is asking: a bearer API token (`Authorization: Bearer mgr_…`) or the
 * session cookie. State-changing requests from a session must carry its
 * CSRF token (header `X-CSRF-Token` or form field `_csrf`); any request with
 * an `Origin` header from another origin is refused outright.
 */
import type { IncomingMessage } from 'node:http';
import type { Sql } from '../db/sql.js';
import { RegistryError } from '../errors.js';
import { sameText } from '../auth/secrets.js';
import { sessionUser, tokenUser, type Principal } from '../auth/users.js';

export const SESSION_COOKIE = 'mg_session';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export async function principal(sql: Sql, req: IncomingMessage): Promise<Principal | undefined> {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer (mgr_[A-Za-z0-9_-]{20,100})$/.exec(auth);
    const user = m?.[1] === undefined ? undefined : await tokenUser(sql, m[1]);
    if (user === undefined) throw new RegistryError('E_AUTH', 'the API token is not valid');
    return user;
  }
  const c = cookie(req, SESSION_COOKIE);
  return c === undefined || !/^mgs_[A-Za-z0-9_-]{20,100}$/.test(c) ? undefined : sessionUser(sql, c);
}

export function checkOrigin(req: IncomingMessage): void {
  if (SAFE.has(req.method ?? 'GET')) return;
  const origin = req.headers.origin;
  if (origin === undefined || origin === 'null') {
    if (origin === 'null') throw new RegistryError('E_FORBIDDEN', 'cross-origin request refused');
    return;
  }
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new RegistryError('E_FORBIDDEN', 'cross-origin request refused');
  }
  if (host !== req.headers.host) throw new RegistryError('E_FORBIDDEN', 'cross-origin request refused');
}

/** For a session principal on an unsafe method: the CSRF token must match. */
export function checkCsrf(user: Principal | undefined, method: string, given: string | undefined): void {
  if (user?.via !== 'session' || SAFE.has(method)) return;
  if (given === undefined || user.csrf === undefined || !sameText(given, user.csrf)) throw new RegistryError('E_FORBIDDEN', 'missing or wrong CSRF token');
}
