/**
 * `createRegistry(config)`: opens the database (embedded PGlite or
 * PostgreSQL), migrates it, ensures the signing key, starts the pipeline
 * workers and returns an HTTP server over the API and the UI.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { authRoutes } from './api/auth.js';
import { modelRoutes } from './api/models.js';
import { resolveRoutes } from './api/resolve.js';
import type { App } from './app.js';
import { AttemptLimiter } from './auth/rate-limit.js';
import type { RegistryConfig } from './config.js';
import { migrate } from './db/schema.js';
import { openEmbedded, openPostgres, type Sql } from './db/sql.js';
import { RegistryError } from './errors.js';
import { checkCsrf, checkOrigin, principal } from './http/principal.js';
import { securityHeaders, sendError, sendHtml } from './http/respond.js';
import { match, route, type Route } from './http/router.js';
import { registryKey } from './pipeline/keys.js';
import { openQueue } from './pipeline/open-queue.js';
import { queueRescans } from './pipeline/rescan.js';
import { rescanRoutes } from './api/rescans.js';
import { openBlobStore } from './store/open-blobs.js';
import { errorPage } from './ui/pages.js';
import { uiRoutes } from './ui/routes.js';
import { Handled, TusUploads } from './upload/tus.js';

export interface Registry {
  readonly app: App;
  readonly server: Server | undefined;
  /** `http://127.0.0.1:PORT` once listening. */
  url(): string;
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export async function openDatabase(config: RegistryConfig): Promise<Sql> {
  const sql = config.database.kind === 'postgres' ? await openPostgres(config.database.url) : await openEmbedded(join(config.dataDir, 'db'));
  await migrate(sql);
  return sql;
}

export async function createRegistry(config: RegistryConfig): Promise<Registry> {
  const sql = await openDatabase(config);
  const blobs = await openBlobStore(config);
  const key = registryKey(config.dataDir, config.signingKey);
  if (config.queue.kind === 'redis' && config.database.kind === 'embedded')
    throw new RegistryError('E_CONFIG', 'the Redis queue needs a PostgreSQL database (workers in other processes share it)');
  const workers = openQueue(config, {
    sql,
    blobs,
    key,
    workDir: join(config.dataDir, 'work'),
    ...(config.testScanDelayMs === undefined ? {} : { testScanDelayMs: config.testScanDelayMs }),
  });
  const uploads = new TusUploads({
    sql,
    blobs,
    dir: join(config.dataDir, 'uploads'),
    maxBytes: config.maxUploadBytes,
    queued: () => {
      workers.nudge();
    },
    ...(config.testSpoolPath === undefined ? {} : { testSpoolPath: config.testSpoolPath }),
  });
  const app: App = { config, sql, blobs, key, uploads, loginLimiter: new AttemptLimiter(config.loginAttemptsPerMinute, 60_000) };
  const routes: Route[] = [
    route('OPTIONS', '/api/uploads', (ctx) => uploads.options(ctx)),
    route('POST', '/api/uploads', (ctx) => uploads.create(ctx)),
    route('HEAD', '/api/uploads/:id', (ctx) => uploads.head(ctx)),
    route('PATCH', '/api/uploads/:id', (ctx) => uploads.patch(ctx)),
    route('DELETE', '/api/uploads/:id', (ctx) => uploads.terminate(ctx)),
    ...authRoutes(app),
    ...modelRoutes(app, () => {
      workers.nudge();
    }),
    ...uiRoutes(app),
    ...rescanRoutes(app, () => {
      workers.nudge();
    }),
    ...resolveRoutes(app),
  ];
  // Artifacts scanned by another engine or policy are scanned again (rescan.ts).
  await queueRescans(sql, 'registry');
  try {
    await workers.start();
  } catch (e) {
    await sql.close();
    throw e;
  }
  const server = config.http ? createServer((req, res) => void handle(app, routes, req, res)) : undefined;
  let address = '';
  return {
    app,
    server,
    url: () => address,
    async listen(port: number, host = '127.0.0.1'): Promise<string> {
      if (server === undefined) throw new RegistryError('E_CONFIG', 'this registry process serves no HTTP');
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, resolve);
      });
      const a = server.address() as AddressInfo;
      address = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
      return address;
    },
    async close(): Promise<void> {
      if (server?.listening === true) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
        });
      }
      await workers.stop();
      await sql.close();
      blobs.close();
    },
  };
}

function wantsHtml(req: IncomingMessage, path: string): boolean {
  return !path.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html');
}

async function handle(app: App, routes: readonly Route[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  securityHeaders(res);
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://registry.invalid');
  } catch {
    sendError(res, 400, 'E_BAD_REQUEST', 'bad URL');
    return;
  }
  const method = req.method ?? 'GET';
  let user;
  try {
    const found = match(routes, method, url.pathname);
    if (found === undefined) throw new RegistryError('E_NOT_FOUND', 'not found');
    if (found === 'method') {
      sendError(res, 405, 'E_METHOD', `${method} is not allowed here`);
      return;
    }
    checkOrigin(req);
    user = await principal(app.sql, req);
    if (!found.route.form) {
      const h = req.headers['x-csrf-token'];
      checkCsrf(user, method, typeof h === 'string' ? h : undefined);
    }
    await found.route.handler({ req, res, url, params: found.params, user, client: req.socket.remoteAddress ?? 'unknown' });
  } catch (e) {
    if (e instanceof Handled) return;
    if (e instanceof RegistryError) {
      if (wantsHtml(req, url.pathname) && !res.headersSent) {
        sendHtml(res, e.status, errorPage(user === undefined ? undefined : { name: user.name, role: user.role }, e.status, e.message));
      } else {
        sendError(res, e.status, e.code, e.message);
      }
      return;
    }
    sendError(res, 500, 'E_INTERNAL', 'internal error');
    process.emitWarning(`registry: ${(e as Error).stack ?? String(e)}`);
  }
}
