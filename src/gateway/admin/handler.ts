/**
 * The admin listener (off unless `admin:` is configured; loopback by
 * default): health, Prometheus metrics, the key list (ids and metadata,
 * never hashes) and key reload. Everything but `/healthz` needs a key with
 * the `admin` scope. TorchServe's open management API (ShellTorch,
 * CVE-2023-43654) is the reason this is separate and authenticated.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { presentedKey, requireScope } from '../auth/key-store.js';
import { Refusal, refuse } from '../errors.js';
import { sendError, sendJson } from '../http/respond.js';
import { finishRecord, newRecord } from '../pipeline/inference.js';
import type { Runtime } from '../pipeline/runtime.js';

export function adminHandler(rt: Runtime, reload: () => Promise<{ keys: number }>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = process.hrtime.bigint();
    const record = newRecord(req, 'admin', rt.now());
    record.route = record.path;
    const run = async (): Promise<number> => {
      if (record.path === '/healthz' && req.method === 'GET') {
        record.responseBytes = sendJson(res, 200, { status: 'ok' });
        return 200;
      }
      const key = rt.keys.authenticate(presentedKey(req.headers));
      record.keyId = key.id;
      requireScope(key, 'admin');
      req.resume();
      switch (`${req.method ?? ''} ${record.path}`) {
        case 'GET /metrics': {
          const text = rt.metrics.render();
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' });
          res.end(text);
          record.responseBytes = Buffer.byteLength(text);
          return 200;
        }
        case 'GET /keys':
          record.responseBytes = sendJson(res, 200, {
            keys: rt.keys.list().map((k) => ({
              id: k.id,
              scopes: k.scopes,
              models: k.models ?? null,
              expires: k.expires === undefined ? null : new Date(k.expires).toISOString(),
              disabled: k.disabled,
              secrets: k.secrets.length,
            })),
          });
          return 200;
        case 'POST /reload': {
          const r = await reload();
          record.responseBytes = sendJson(res, 200, { reloaded: true, keys: r.keys });
          return 200;
        }
        default:
          throw refuse(404, 'route/not-found', 'no such admin route');
      }
    };
    run().then(
      (status) => {
        finishRecord(rt, record, started, status);
      },
      (e: unknown) => {
        const refusal = e instanceof Refusal ? e : refuse(500, 'admin/failed', e instanceof Error ? e.message : String(e));
        record.action = 'refused';
        record.reason = refusal.reason;
        record.responseBytes = sendError(res, refusal.status, refusal.reason, refusal.message, refusal.headers);
        finishRecord(rt, record, started, refusal.status);
      },
    );
  };
}
