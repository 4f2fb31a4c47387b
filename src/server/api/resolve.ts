/**
 * Downloads in the Hugging Face layout, `/{org}/{model}/resolve/{rev}/{file}`
 * (rev: `main`, a full revision or a prefix of at least 7 hex digits). Only
 * published revisions exist here; each file is a content-addressed blob, so
 * its ETag is its SHA-256 and `X-Repo-Commit` the revision. The signature
 * (`model.sig`) and the scan attestation (`modelguard-scan.sig`) are files of
 * the revision like the weights.
 */
import type { App } from '../app.js';
import { RegistryError } from '../errors.js';
import { route, type Route } from '../http/router.js';
import { findRevision } from '../store/artifacts.js';

export function resolveRoutes(app: App): Route[] {
  return [
    route('GET', '/:org/:model/resolve/:rev/:file', async (ctx) => {
      const { org = '', model = '', rev = '', file = '' } = ctx.params;
      const r = await findRevision(app.sql, org, model, rev);
      const f = r.files.find((x) => x.name === file);
      if (f === undefined) throw new RegistryError('E_NOT_FOUND', `${file} is not in revision ${r.rev.slice(0, 12)}`);
      ctx.res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(f.size),
        'content-disposition': `attachment; filename="${f.name}"`,
        etag: `"${f.sha256}"`,
        'x-repo-commit': r.rev,
        'x-linked-etag': `"${f.sha256}"`,
        'x-linked-size': String(f.size),
        'cache-control': 'no-cache',
      });
      if (ctx.req.method === 'HEAD') {
        ctx.res.end();
        return;
      }
      const stream = await app.blobs.open(f.sha256);
      await new Promise<void>((resolve) => {
        stream.on('error', () => {
          ctx.res.destroy();
          resolve();
        });
        ctx.res.on('close', resolve);
        stream.pipe(ctx.res);
      });
    }),
  ];
}
