/** The UI's routes: pages for signed-in users (others are sent to sign in) and the two static files. */
import type { App } from '../app.js';
import { RegistryError } from '../errors.js';
import { redirect, sendHtml } from '../http/respond.js';
import { route, type Ctx, type Route } from '../http/router.js';
import { ATTESTATION_FILE } from '../pipeline/run.js';
import { findRevision, listModels, modelArtifacts, steps, type Artifact, type Revision } from '../store/artifacts.js';
import { asset } from './assets.js';
import type { PageUser } from './html.js';
import { listPage, modelPage, uploadPage, type ArtifactView } from './pages.js';

/** Attestations are a few KiB; a larger one is not read into memory for the model page. */
const MAX_ATTESTATION_BYTES = 4 * 1024 * 1024;

/** The in-toto statement inside a DSSE bundle, pretty-printed (the bundle was written by this registry; parsed defensively anyway). */
function statementText(bundle: string): string | undefined {
  try {
    const b = JSON.parse(bundle) as { dsseEnvelope?: { payload?: string } };
    const p = b.dsseEnvelope?.payload;
    return p === undefined ? undefined : JSON.stringify(JSON.parse(Buffer.from(p, 'base64').toString('utf8')), null, 2);
  } catch {
    return undefined;
  }
}

function signedIn(ctx: Ctx): PageUser | undefined {
  const u = ctx.user;
  if (u === undefined) {
    redirect(ctx.res, '/login');
    return undefined;
  }
  return { name: u.name, role: u.role, ...(u.csrf === undefined ? {} : { csrf: u.csrf }) };
}

async function view(app: App, a: Artifact): Promise<ArtifactView> {
  let revision: Revision | undefined;
  let attestation: string | undefined;
  // An artifact whose blobs are missing is not served (store/missing.ts): its page shows why instead of its revision.
  // A retired artifact lost its revision to the retention policy (store/retention.ts): nothing is served.
  if (a.state === 'published' && a.revision !== null && a.blobMissing === null && a.retired === null) {
    revision = await findRevision(app.sql, a.org, a.model, a.revision).catch((e: unknown) => {
      if (e instanceof RegistryError && e.code === 'E_NOT_FOUND') return undefined; // the same revision, published by another artifact that was retired
      throw e;
    });
  }
  if (revision !== undefined) {
    const att = revision.files.find((f) => f.name === ATTESTATION_FILE);
    if (att !== undefined) attestation = statementText((await app.blobs.readBytes(att.sha256, MAX_ATTESTATION_BYTES)).toString('utf8'));
  }
  return { artifact: a, steps: await steps(app.sql, a.id), revision, attestation };
}

export function uiRoutes(app: App): Route[] {
  return [
    route('GET', '/', async (ctx) => {
      const u = signedIn(ctx);
      if (u !== undefined) sendHtml(ctx.res, 200, listPage(u, await listModels(app.sql)));
    }),
    route('GET', '/upload', async (ctx) => {
      const u = signedIn(ctx);
      if (u !== undefined) sendHtml(ctx.res, 200, uploadPage(u));
      return Promise.resolve();
    }),
    route('GET', '/m/:org/:model', async (ctx) => {
      const u = signedIn(ctx);
      if (u === undefined) return;
      const { org = '', model = '' } = ctx.params;
      const list = await modelArtifacts(app.sql, org, model);
      if (list.length === 0) throw new RegistryError('E_NOT_FOUND', `no model ${org}/${model}`);
      sendHtml(ctx.res, 200, modelPage(u, org, model, await Promise.all(list.map((a) => view(app, a)))));
    }),
    route('GET', '/assets/:name', async (ctx) => {
      const a = asset(ctx.params['name'] ?? '');
      if (a === undefined) throw new RegistryError('E_NOT_FOUND', 'no such asset');
      if (ctx.req.headers['if-none-match'] === a.etag) {
        ctx.res.writeHead(304, { etag: a.etag });
        ctx.res.end();
        return Promise.resolve();
      }
      ctx.res.writeHead(200, { 'content-type': a.type, 'content-length': String(a.body.length), etag: a.etag, 'cache-control': 'no-cache' });
      ctx.res.end(ctx.req.method === 'HEAD' ? undefined : a.body);
      return Promise.resolve();
    }),
  ];
}
