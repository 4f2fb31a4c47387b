/**
 * Operations (admin): `GET /api/admin/health` reports artifacts whose blobs
 * are missing from the store (store/missing.ts) and the garbage collector's
 * backlog; `POST /api/admin/gc` runs one bounded collection now (store/gc.ts)
 * and answers what it removed.
 */
import type { App } from '../app.js';
import { requireRole } from '../auth/users.js';
import { sendJson } from '../http/respond.js';
import { route, type Route } from '../http/router.js';
import { audit } from '../store/audit.js';
import { gcStatus, type GcResult } from '../store/gc.js';
import { listMissing } from '../store/missing.js';

export function adminRoutes(app: App, collect: () => Promise<GcResult>): Route[] {
  return [
    route('GET', '/api/admin/health', async (ctx) => {
      requireRole(ctx.user, 'admin');
      const blobMissing = await listMissing(app.sql);
      sendJson(ctx.res, 200, { ok: blobMissing.length === 0, blobMissing, gc: { ...(await gcStatus(app.sql, app.config.gc)), config: app.config.gc } });
    }),
    route('POST', '/api/admin/gc', async (ctx) => {
      const admin = requireRole(ctx.user, 'admin');
      const r = await collect();
      await audit(app.sql, admin.name, 'gc', 'registry', { ...r });
      sendJson(ctx.res, 200, r);
    }),
  ];
}
