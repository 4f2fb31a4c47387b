/** Models, artifacts with their evidence, reviewer overrides, the audit log and the registry key. */
import type { App } from '../app.js';
import { requireRole, type Principal } from '../auth/users.js';
import { RegistryError } from '../errors.js';
import { readFields } from '../http/body.js';
import { checkCsrf } from '../http/principal.js';
import { redirect, sendJson } from '../http/respond.js';
import { route, type Route } from '../http/router.js';
import type { ExplainedFile } from '../pipeline/explain.js';
import { listRescans } from '../pipeline/rescan.js';
import { reportRules } from '../pipeline/rescan-rule.js';
import { audit, auditLog } from '../store/audit.js';
import { findRevision, getArtifact, listModels, modelArtifacts, steps, type Artifact } from '../store/artifacts.js';

export const MIN_OVERRIDE_REASON = 10;

function artifactId(v: string | undefined): number {
  if (v === undefined || !/^\d{1,15}$/.test(v)) throw new RegistryError('E_NOT_FOUND', 'no such artifact');
  return Number(v);
}

export async function artifactJson(app: App, a: Artifact): Promise<Record<string, unknown>> {
  return { ...a, findings: a.report, report: undefined, steps: await steps(app.sql, a.id), rescans: await listRescans(app.sql, a.id) };
}

/**
 * A reviewer releases a `held` (suspicious) artifact with a recorded reason; the pipeline continues from the scan.
 * The release records the rule ids the reviewer was shown: a later rescan keeps it only while the findings stay within them (rescan-rule.ts).
 */
export async function override(app: App, user: Principal | undefined, id: number, reason: string): Promise<void> {
  const r = requireRole(user, 'reviewer');
  if (reason.trim().length < MIN_OVERRIDE_REASON) throw new RegistryError('E_BAD_REQUEST', `give a reason of at least ${MIN_OVERRIDE_REASON} characters`);
  await app.sql.transaction(async (tx) => {
    const a = await getArtifact(tx, id);
    if (a.state !== 'held' || a.verdict !== 'suspicious') throw new RegistryError('E_CONFLICT', 'only a file held as suspicious can be released');
    const o = {
      by: r.name,
      reason: reason.trim(),
      at: new Date().toISOString(),
      rules: reportRules(Array.isArray(a.report) ? (a.report as ExplainedFile[]) : []),
    };
    await tx.query(`update artifacts set override = $2, state = 'queued' where id = $1`, [id, JSON.stringify(o)]);
    await tx.query(`insert into steps (artifact_id, step, status, evidence) values ($1, 'override', 'done', $2)`, [id, JSON.stringify(o)]);
    await tx.query('insert into jobs (artifact_id) values ($1)', [id]);
    await audit(tx, r.name, 'override', `${a.org}/${a.model}#${id}`, { reason: o.reason });
  });
}

export function modelRoutes(app: App, queued: () => void): Route[] {
  return [
    route('GET', '/api/models', async (ctx) => {
      requireRole(ctx.user, 'uploader');
      const models = await listModels(app.sql);
      sendJson(
        ctx.res,
        200,
        models.map((m) => ({
          id: `${m.org}/${m.model}`,
          state: m.latest.state,
          verdict: m.latest.verdict,
          uploads: m.artifacts,
          revision: m.latest.revision,
          blobMissing: m.latest.blobMissing !== null,
        })),
      );
    }),
    route('GET', '/api/models/:org/:model', async (ctx) => {
      requireRole(ctx.user, 'uploader');
      const list = await modelArtifacts(app.sql, ctx.params['org'] ?? '', ctx.params['model'] ?? '');
      if (list.length === 0) throw new RegistryError('E_NOT_FOUND', 'no such model');
      sendJson(ctx.res, 200, {
        id: `${ctx.params['org'] ?? ''}/${ctx.params['model'] ?? ''}`,
        artifacts: await Promise.all(list.map((a) => artifactJson(app, a))),
      });
    }),
    // huggingface_hub-style model info for a revision: the commit and its files.
    route('GET', '/api/models/:org/:model/revision/:rev', async (ctx) => {
      const r = await findRevision(app.sql, ctx.params['org'] ?? '', ctx.params['model'] ?? '', ctx.params['rev'] ?? '');
      sendJson(ctx.res, 200, {
        id: `${r.org}/${r.model}`,
        sha: r.rev,
        siblings: r.files.map((f) => ({ rfilename: f.name, size: f.size, lfs: { sha256: f.sha256 } })),
      });
    }),
    route('GET', '/api/artifacts/:id', async (ctx) => {
      requireRole(ctx.user, 'uploader');
      sendJson(ctx.res, 200, await artifactJson(app, await getArtifact(app.sql, artifactId(ctx.params['id']))));
    }),
    route('POST', '/api/artifacts/:id/override', async (ctx) => {
      const f = await readFields(ctx.req);
      await override(app, ctx.user, artifactId(ctx.params['id']), f['reason'] ?? '');
      queued();
      sendJson(ctx.res, 202, { state: 'queued' });
    }),
    route(
      'POST',
      '/artifacts/:id/override',
      async (ctx) => {
        const f = await readFields(ctx.req);
        checkCsrf(ctx.user, 'POST', f['_csrf']);
        const id = artifactId(ctx.params['id']);
        await override(app, ctx.user, id, f['reason'] ?? '');
        queued();
        const a = await getArtifact(app.sql, id);
        redirect(ctx.res, `/m/${encodeURIComponent(a.org)}/${encodeURIComponent(a.model)}`);
      },
      true,
    ),
    route('GET', '/api/audit', async (ctx) => {
      requireRole(ctx.user, 'admin');
      sendJson(ctx.res, 200, await auditLog(app.sql));
    }),
    route('GET', '/api/registry-key.pem', async (ctx) => {
      ctx.res.writeHead(200, { 'content-type': 'application/x-pem-file', 'cache-control': 'no-cache' });
      ctx.res.end(app.key.publicPem);
      return Promise.resolve();
    }),
  ];
}
