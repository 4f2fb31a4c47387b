/**
 * `createRegistry(config)`: opens the database (embedded PGlite or
 * PostgreSQL), migrates it, ensures the signing key, starts the pipeline
 * workers and garbage collection, and returns an HTTP server over the API
 * and the UI.
 *
 * `close()` is graceful: it stops accepting connections, answers requests
 * that arrive on open connections 503 (Retry-After), lets requests in flight
 * finish for up to `shutdownTimeoutMs` (after it, those still running are
 * answered 503 with Retry-After, never 500), lets workers finish their
 * current job (so its lease ends with it) within the same timeout (a job
 * still running then is cancelled and queued again), and only then closes
 * the database and the blob store.
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
import { settledWithin } from './pipeline/jobs.js';
import { registryKey } from './pipeline/keys.js';
import { openQueue } from './pipeline/open-queue.js';
import { queueRescans } from './pipeline/rescan.js';
import { rescanRoutes } from './api/rescans.js';
import { adminRoutes } from './api/admin.js';
import { collectGarbage, type GcOptions, type GcResult } from './store/gc.js';
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
    ...(config.testHold === undefined ? {} : { testHold: config.testHold }),
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
    ...adminRoutes(app, async (o) => gc(o)),
  ];
  // One collection at a time in this process (several processes may collect at once: store/gc.ts is safe under that).
  let collecting: Promise<GcResult> | undefined;
  const gcDeps = { sql, blobs, spoolDir: join(config.dataDir, 'uploads') };
  const gc = async (o: GcOptions = {}): Promise<GcResult> => {
    if (o.dryRun === true) return collectGarbage(gcDeps, config.gc, o); // changes nothing: runs beside a collection
    collecting ??= collectGarbage(gcDeps, config.gc).finally(() => {
      collecting = undefined;
    });
    return collecting;
  };
  // Processes that run workers collect on a timer (a failure is retried at the next tick).
  const gcTimer =
    config.workers > 0 && config.gc.intervalSeconds > 0
      ? setInterval(() => {
          gc().catch(() => undefined);
        }, config.gc.intervalSeconds * 1000).unref()
      : undefined;
  // Artifacts scanned by another engine or policy are scanned again (rescan.ts).
  await queueRescans(sql, 'registry');
  try {
    await workers.start();
  } catch (e) {
    clearInterval(gcTimer);
    await sql.close();
    throw e;
  }
  let closing = false;
  /** Requests being handled, with their responses (answered 503 if still running when the shutdown timeout ends). */
  const inflight = new Map<Promise<void>, ServerResponse>();
  const server = config.http
    ? createServer((req, res) => {
        if (closing) {
          securityHeaders(res);
          unavailable(res);
          return;
        }
        const p: Promise<void> = handle(app, routes, req, res, () => closing).finally(() => inflight.delete(p));
        inflight.set(p, res);
      })
    : undefined;
  let address = '';
  let shutdown: Promise<void> | undefined;
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
      shutdown ??= closeAll();
      return shutdown;
    },
  };

  async function closeAll(): Promise<void> {
    closing = true;
    clearInterval(gcTimer);
    // Workers stop taking jobs now and finish the one they hold (its lease ends with it), while requests drain; a job still
    // running when the shutdown timeout ends is cancelled and queued again for the next start (job-queue.ts).
    const stopping = workers.stop(config.shutdownTimeoutMs);
    if (server !== undefined) {
      const closed = new Promise<void>((resolve) => {
        if (server.listening)
          server.close(() => {
            resolve();
          });
        else resolve();
      });
      server.closeIdleConnections();
      // Connections are not kept alive past the answer of the request they carry.
      for (const res of inflight.values()) if (!res.headersSent) res.setHeader('connection', 'close');
      if (!(await settledWithin([...inflight.keys()], config.shutdownTimeoutMs))) {
        for (const res of inflight.values()) {
          if (res.headersSent) res.destroy();
          else unavailable(res);
        }
        server.closeAllConnections();
        // Handlers whose connections were cut end soon (their reads fail); the database stays open for them, within a bound.
        await settledWithin([...inflight.keys()], Math.min(config.shutdownTimeoutMs, 5000));
      }
      server.closeAllConnections();
      await closed;
    }
    await stopping;
    await collecting?.catch(() => undefined);
    await sql.close();
    blobs.close();
  }
}

/** Seconds a client is told to wait before it retries a request refused during shutdown. */
export const RETRY_AFTER_SECONDS = 5;

/** 503 with Retry-After: the server is shutting down (a restarted or another process will answer the retry). */
function unavailable(res: ServerResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
  res.setHeader('connection', 'close');
  sendError(res, 503, 'E_UNAVAILABLE', 'the registry is shutting down: retry shortly');
}

function wantsHtml(req: IncomingMessage, path: string): boolean {
  return !path.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html');
}

async function handle(app: App, routes: readonly Route[], req: IncomingMessage, res: ServerResponse, closing: () => boolean): Promise<void> {
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
    if (res.writableEnded) return; // answered already (503 at the end of the shutdown timeout)
    if (closing() && !(e instanceof RegistryError && e.status < 500)) {
      // The database or the blob store closing under a request at shutdown is not the request's fault: the client retries.
      unavailable(res);
      return;
    }
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
