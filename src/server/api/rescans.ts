/**
 * Rescans after an engine or policy change: `POST /api/admin/rescan`
 * (admin) queues one for every artifact scanned with another engine or
 * policy; `GET /api/rescans` lists them (`?artifact=ID` for one artifact),
 * `GET /api/rescans/:id` gives one with its verdict diff.
 */
import type { App } from '../app.js';
import { requireRole } from '../auth/users.js';
import { RegistryError } from '../errors.js';
import { sendJson } from '../http/respond.js';
import { route, type Route } from '../http/router.js';
import { ENGINE, policyFingerprint } from '../pipeline/fingerprint.js';
import { getRescan, listRescans, queueRescans } from '../pipeline/rescan.js';

function id(v: string | null | undefined): number {
  if (v === undefined || v === null || !/^\d{1,15}$/.test(v)) throw new RegistryError('E_NOT_FOUND', 'no such rescan');
  return Number(v);
}

export function rescanRoutes(app: App, queued: () => void): Route[] {
  return [
    route('POST', '/api/admin/rescan', async (ctx) => {
      const admin = requireRole(ctx.user, 'admin');
      const n = await queueRescans(app.sql, admin.name);
      queued();
      sendJson(ctx.res, 202, { queued: n, engine: ENGINE, policy: policyFingerprint() });
    }),
    route('GET', '/api/rescans', async (ctx) => {
      requireRole(ctx.user, 'uploader');
      const artifact = ctx.url.searchParams.get('artifact');
      sendJson(ctx.res, 200, await listRescans(app.sql, artifact === null ? undefined : id(artifact)));
    }),
    route('GET', '/api/rescans/:id', async (ctx) => {
      requireRole(ctx.user, 'uploader');
      const r = await getRescan(app.sql, id(ctx.params['id']));
      if (r === undefined) throw new RegistryError('E_NOT_FOUND', 'no such rescan');
      sendJson(ctx.res, 200, r);
    }),
  ];
}
