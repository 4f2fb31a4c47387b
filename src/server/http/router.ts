/**
 * A table of routes (method + path pattern with named groups) and the
 * request context handlers get. Handlers throw `RegistryError`; the server
 * turns it into a status and a JSON error (or an HTML page for the UI).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/users.js';

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  user: Principal | undefined;
  /** Client address, for rate limits and the audit log. */
  client: string;
}

export type Handler = (ctx: Ctx) => Promise<void>;

export interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
  /** An HTML form handler: it checks the `_csrf` field itself (a session's unsafe requests elsewhere need the header). */
  form: boolean;
}

export function route(method: string, path: string, handler: Handler, form = false): Route {
  // `/api/models/:org/:model` → named groups; a trailing `*name` takes the rest.
  const src = path
    .split('/')
    .map((p) => (p.startsWith(':') ? `(?<${p.slice(1)}>[^/]+)` : p.startsWith('*') ? `(?<${p.slice(1)}>.+)` : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return { method, pattern: new RegExp(`^${src}$`), handler, form };
}

export function match(routes: readonly Route[], method: string, path: string): { route: Route; params: Record<string, string> } | 'method' | undefined {
  let pathMatched = false;
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (m === null) continue;
    pathMatched = true;
    if (r.method !== method && !(method === 'HEAD' && r.method === 'GET')) continue;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) {
      try {
        params[k] = decodeURIComponent(v);
      } catch {
        return undefined;
      }
    }
    return { route: r, params };
  }
  return pathMatched ? 'method' : undefined;
}
