/**
 * Downloads in the Hugging Face layout, `/{org}/{model}/resolve/{rev}/{file}`
 * (rev: `main`, a full revision or a prefix of at least 7 hex digits). Only
 * published revisions exist here; each file is a content-addressed blob, so
 * its ETag is its SHA-256 and `X-Repo-Commit` the revision. The signature
 * (`model.sig`) and the scan attestation (`modelguard-scan.sig`) are files of
 * the revision like the weights. One `Range: bytes=…` is honoured (206),
 * so an interrupted download resumes; from S3 the range is read from S3.
 */
import type { App } from '../app.js';
import { RegistryError } from '../errors.js';
import { route, type Route } from '../http/router.js';
import type { ByteRange } from '../store/blobs.js';
import { findRevision } from '../store/artifacts.js';

export function resolveRoutes(app: App): Route[] {
  return [
    route('GET', '/:org/:model/resolve/:rev/:file', async (ctx) => {
      const { org = '', model = '', rev = '', file = '' } = ctx.params;
      const r = await findRevision(app.sql, org, model, rev);
      const f = r.files.find((x) => x.name === file);
      if (f === undefined) throw new RegistryError('E_NOT_FOUND', `${file} is not in revision ${r.rev.slice(0, 12)}`);
      const header = ctx.req.headers.range;
      const range = typeof header === 'string' ? parseRange(header, f.size) : undefined;
      if (range === 'unsatisfiable') {
        ctx.res.writeHead(416, { 'content-range': `bytes */${String(f.size)}` });
        ctx.res.end();
        return;
      }
      // Opened before the status is sent, so a blob the store cannot give (E_NOT_FOUND, E_STORAGE) is a clean error response.
      const stream = ctx.req.method === 'HEAD' ? undefined : await app.blobs.open(f.sha256, range);
      ctx.res.writeHead(range === undefined ? 200 : 206, {
        'content-type': 'application/octet-stream',
        'content-length': String(range === undefined ? f.size : range.end - range.start + 1),
        ...(range === undefined ? {} : { 'content-range': `bytes ${String(range.start)}-${String(range.end)}/${String(f.size)}` }),
        'accept-ranges': 'bytes',
        'content-disposition': `attachment; filename="${f.name}"`,
        etag: `"${f.sha256}"`,
        'x-repo-commit': r.rev,
        'x-linked-etag': `"${f.sha256}"`,
        'x-linked-size': String(f.size),
        'cache-control': 'no-cache',
      });
      if (stream === undefined) {
        ctx.res.end();
        return;
      }
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

/**
 * One range of `Range: bytes=a-b | a- | -n` (RFC 9110 §14.1.2) within a file of `size` bytes; anything
 * else (several ranges, other units, malformed) is ignored and the whole file is sent, as the RFC allows.
 */
export function parseRange(header: string, size: number): ByteRange | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d{0,16})-(\d{0,16})$/.exec(header.trim());
  if (m === null) return undefined;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  if (start >= size) return 'unsatisfiable';
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (end < start) return undefined;
  return { start, end };
}
