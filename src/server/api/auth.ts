/** Sign-in and sign-out (API and form), the current user, API tokens, users (admin). */
import type { App } from '../app.js';
import { createUser, endSession, newSession, newToken, requireRole, signIn, SESSION_HOURS, type User } from '../auth/users.js';
import { RegistryError } from '../errors.js';
import { readFields } from '../http/body.js';
import { checkCsrf, cookie, SESSION_COOKIE } from '../http/principal.js';
import { redirect, sendHtml, sendJson } from '../http/respond.js';
import { route, type Ctx, type Route } from '../http/router.js';
import { audit } from '../store/audit.js';
import { loginPage } from '../ui/pages.js';

function sessionCookie(app: App, value: string, maxAge: number): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${app.config.secureCookies ? '; Secure' : ''}`;
}

async function login(app: App, ctx: Ctx, fields: Record<string, string>): Promise<{ user: User; cookie: string; csrf: string }> {
  app.loginLimiter.hit(ctx.client);
  const user = await signIn(app.sql, fields['name'] ?? '', fields['password'] ?? '').catch(async (e: unknown) => {
    await audit(app.sql, fields['name'] ?? '?', 'login.failed', ctx.client);
    throw e;
  });
  const s = await newSession(app.sql, user);
  await audit(app.sql, user.name, 'login', ctx.client);
  return { user, ...s };
}

function setCookie(app: App, value: string): Record<string, string> {
  return { 'set-cookie': sessionCookie(app, value, value === '' ? 0 : SESSION_HOURS * 3600) };
}

export function authRoutes(app: App): Route[] {
  return [
    route('POST', '/api/login', async (ctx) => {
      const { user, cookie: c, csrf } = await login(app, ctx, await readFields(ctx.req));
      sendJson(ctx.res, 200, { user: { name: user.name, role: user.role }, csrf }, setCookie(app, c));
    }),
    route(
      'POST',
      '/login',
      async (ctx) => {
        const fields = await readFields(ctx.req);
        try {
          const { cookie: c } = await login(app, ctx, fields);
          redirect(ctx.res, '/', setCookie(app, c));
        } catch (e) {
          if (e instanceof RegistryError && (e.code === 'E_AUTH' || e.code === 'E_RATE')) sendHtml(ctx.res, e.status, loginPage(e.message));
          else throw e;
        }
      },
      true,
    ),
    route('GET', '/login', async (ctx) => {
      sendHtml(ctx.res, 200, loginPage());
      return Promise.resolve();
    }),
    route(
      'POST',
      '/logout',
      async (ctx) => {
        const fields = await readFields(ctx.req);
        checkCsrf(ctx.user, 'POST', fields['_csrf']);
        const c = cookie(ctx.req, SESSION_COOKIE);
        if (c !== undefined) await endSession(app.sql, c);
        redirect(ctx.res, '/login', setCookie(app, ''));
      },
      true,
    ),
    route('GET', '/api/me', async (ctx) => {
      const u = requireRole(ctx.user, 'uploader');
      sendJson(ctx.res, 200, { name: u.name, role: u.role, via: u.via });
      return Promise.resolve();
    }),
    route('POST', '/api/tokens', async (ctx) => {
      const u = requireRole(ctx.user, 'uploader');
      const fields = await readFields(ctx.req);
      const token = await newToken(app.sql, u, fields['name'] ?? 'token');
      await audit(app.sql, u.name, 'token.create', u.name, { name: fields['name'] ?? 'token' });
      sendJson(ctx.res, 201, { token });
    }),
    route('POST', '/api/users', async (ctx) => {
      const admin = requireRole(ctx.user, 'admin');
      const f = await readFields(ctx.req);
      const user = await createUser(app.sql, f['name'] ?? '', f['password'] ?? '', f['role']);
      await audit(app.sql, admin.name, 'user.create', user.name, { role: user.role });
      sendJson(ctx.res, 201, { name: user.name, role: user.role });
    }),
  ];
}
