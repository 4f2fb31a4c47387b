/**
 * Operations (admin): `GET /api/admin/health` reports artifacts whose blobs
 * are missing from the store (store/missing.ts) and the garbage collector's
 * backlog; `POST /api/admin/gc` runs one bounded collection now (store/gc.ts)
 * and answers what it removed; `POST /api/admin/gc?dry-run=1` changes
 * nothing and answers the revisions the retention policy would drop
 * (`&keep-revisions=N` plans with another N); `PUT` and `DELETE
 * /api/admin/pins/:org/:model/:rev` pin a revision so retention never drops
 * it, and unpin it (store/retention.ts).
 */
import type { App } from '../app.js';
import { requireRole } from '../auth/users.js';
import { RegistryError } from '../errors.js';
import { sendJson } from '../http/respond.js';
import { route, type Route } from '../http/router.js';
import { audit } from '../store/audit.js';
import { gcStatus, type GcOptions, type GcResult } from '../store/gc.js';
import { listMissing } from '../store/missing.js';
import { pinRevision } from '../store/retention.js';

/** Largest N a dry run plans with (a count of revisions, not a size: anything larger keeps everything anyway). */
const MAX_KEEP = 1_000_000;

/** The options of `POST /api/admin/gc` from its query (`dry-run=1`, `keep-revisions=N`, the latter only with a dry run). */
export function gcOptions(q: URLSearchParams): GcOptions {
  const dry = q.get('dry-run');
  if (dry !== null && dry !== '0' && dry !== '1') throw new RegistryError('E_BAD_REQUEST', 'dry-run is 1 or 0');
  const keep = q.get('keep-revisions');
  if (keep === null) return { dryRun: dry === '1' };
  if (dry !== '1') throw new RegistryError('E_BAD_REQUEST', 'keep-revisions is only for a dry run (the policy itself is --keep-revisions)');
  if (!/^\d{1,7}$/.test(keep) || Number(keep) < 1 || Number(keep) > MAX_KEEP) throw new RegistryError('E_BAD_REQUEST', `keep-revisions is 1 to ${MAX_KEEP}`);
  return { dryRun: true, keepRevisions: Number(keep) };
}

export function adminRoutes(app: App, collect: (o: GcOptions) => Promise<GcResult>): Route[] {
  const pin = (pinned: boolean): Route =>
    route(pinned ? 'PUT' : 'DELETE', '/api/admin/pins/:org/:model/:rev', async (ctx) => {
      const admin = requireRole(ctx.user, 'admin');
      const { org = '', model = '', rev = '' } = ctx.params;
      if (!/^[0-9a-f]{64}$/.test(rev)) throw new RegistryError('E_BAD_REQUEST', 'pin a revision by its full id (64 hex digits)');
      if (!(await pinRevision(app.sql, org, model, rev, pinned ? admin.name : null)))
        throw new RegistryError('E_NOT_FOUND', `no revision ${rev} of ${org}/${model}`);
      await audit(app.sql, admin.name, pinned ? 'revision.pin' : 'revision.unpin', `${org}/${model}@${rev}`, {});
      sendJson(ctx.res, 200, { org, model, rev, pinned });
    });
  return [
    route('GET', '/api/admin/health', async (ctx) => {
      requireRole(ctx.user, 'admin');
      const blobMissing = await listMissing(app.sql);
      sendJson(ctx.res, 200, { ok: blobMissing.length === 0, blobMissing, gc: { ...(await gcStatus(app.sql, app.config.gc)), config: app.config.gc } });
    }),
    route('POST', '/api/admin/gc', async (ctx) => {
      const admin = requireRole(ctx.user, 'admin');
      const o = gcOptions(ctx.url.searchParams);
      const r = await collect(o);
      if (o.dryRun !== true) await audit(app.sql, admin.name, 'gc', 'registry', { ...r, plan: r.plan?.length });
      sendJson(ctx.res, 200, r);
    }),
    pin(true),
    pin(false),
  ];
}
