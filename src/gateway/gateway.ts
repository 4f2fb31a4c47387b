/**
 * `createGateway`: builds a running gateway from a configuration (a path,
 * a parsed object, or a validated `GatewayConfig`), starts its listeners
 * and returns a handle to reload keys, read addresses and close it.
 *
 *   const gw = await createGateway({ config: 'gateway.yaml' });
 *   console.log(gw.address);            // { host: '127.0.0.1', port: 8080 }
 *   await gw.reload();                  // re-read the key file
 *   await gw.close();
 */
import type { Server } from 'node:http';
import { adminHandler } from './admin/handler.js';
import { Metrics } from './audit/metrics.js';
import { openAuditSink, promptHasher } from './audit/writer.js';
import { loadKeyFile, type KeyEntry } from './auth/key-file.js';
import { KeyStore } from './auth/key-store.js';
import { loadConfig, parseConfig } from './config/load.js';
import type { GatewayConfig } from './config/types.js';
import { GatewayError } from './errors.js';
import { ConcurrencyGate } from './limits/gate.js';
import { Limiter } from './limits/limiter.js';
import { MemoryStore } from './limits/memory-store.js';
import { RedisStore } from './limits/redis-store.js';
import type { LimitStore } from './limits/store.js';
import { createListener, listen } from './listen/server.js';
import { clientErrorHandler } from './pipeline/client-error.js';
import { inferenceHandler } from './pipeline/inference.js';
import { compileRoute } from './pipeline/route-table.js';
import type { Runtime } from './pipeline/runtime.js';
import { agentFor, type UpstreamAgent } from './proxy/upstream.js';
import { createDetector } from '../detect/detector.js';
import type { Detector, DetectorFactory } from './verify/detector.js';

export interface GatewayOptions {
  /** A YAML file path, a parsed configuration object (validated here), or a `GatewayConfig`. */
  readonly config: string | GatewayConfig | Record<string, unknown>;
  /** Folder for relative paths of an object configuration (default: the working directory). */
  readonly baseDir?: string;
  /** One detector for every route; default: the project's detector (`modelguard/detect`), one per route mode. */
  readonly detector?: Detector;
  /** Factory called per route with its mode, when `detector` is not given (default `createDetector`; `createFallbackDetector` is the small rule-only one). */
  readonly detectorFactory?: DetectorFactory;
  /** Allow binding outside loopback (the CLI's `--allow-public`). */
  readonly allowPublic?: boolean;
  /** Operational log lines (warnings, reloads, internal errors); default standard error. */
  readonly log?: (line: string) => void;
  /** Clock for limits and key expiry (tests). */
  readonly now?: () => number;
}

export interface Gateway {
  readonly config: GatewayConfig;
  readonly address: { readonly host: string; readonly port: number };
  readonly adminAddress: { readonly host: string; readonly port: number } | undefined;
  readonly metrics: Metrics;
  /** Re-reads the key file; on failure the keys in force stay and the error is thrown. */
  reload(): Promise<{ keys: number }>;
  close(): Promise<void>;
}

function isGatewayConfig(c: GatewayOptions['config']): c is GatewayConfig {
  return typeof c === 'object' && (c as Partial<GatewayConfig>).upstreams instanceof Map;
}

function readKeys(config: GatewayConfig): Map<string, KeyEntry> {
  return config.keys.file === undefined ? new Map<string, KeyEntry>() : loadKeyFile(config.keys.file);
}

function closeServer(s: Server): Promise<void> {
  return new Promise((resolve) => {
    s.close(() => {
      resolve();
    });
    s.closeAllConnections();
  });
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const config =
    typeof options.config === 'string'
      ? loadConfig(options.config)
      : isGatewayConfig(options.config)
        ? options.config
        : parseConfig(options.config, options.baseDir ?? process.cwd());
  const log = options.log ?? ((line: string) => void process.stderr.write(`modelguard gateway: ${line}\n`));
  const now = options.now ?? Date.now;
  const factory: DetectorFactory = options.detectorFactory ?? createDetector;
  const keys = new KeyStore(readKeys(config), now);
  if (keys.size === 0) log('WARNING: no API keys loaded; every inference request will be refused (401)');
  const store: LimitStore = config.limits.store === 'redis' && config.limits.redis !== undefined ? new RedisStore(config.limits.redis) : new MemoryStore(now);
  const agents = new Map<string, UpstreamAgent>();
  for (const [name, up] of config.upstreams) agents.set(name, agentFor(up));
  const metrics = new Metrics();
  const audit = openAuditSink(config.audit.file);
  const gate = new ConcurrencyGate(config.limits.maxConcurrent, config.limits.maxQueue, config.limits.queueTimeoutMs);
  const rt: Runtime = {
    config,
    routes: config.routes.map((r) => compileRoute(r, factory, options.detector)),
    keys,
    limiter: new Limiter(store, config.limits, now),
    gate,
    agents,
    metrics,
    audit,
    hashPrompt: promptHasher(config.audit.hashKeyFile),
    log,
    now,
  };
  metrics.gauges = () => ({
    modelguard_gateway_inflight: gate.active,
    modelguard_gateway_queued: gate.queued,
    modelguard_gateway_keys: keys.size,
    modelguard_gateway_heap_bytes: process.memoryUsage().heapUsed,
    modelguard_gateway_rss_bytes: process.memoryUsage.rss(),
  });
  const reload = (): Promise<{ keys: number }> => {
    try {
      keys.replace(readKeys(config));
      metrics.reloads.inc({ result: 'ok' });
      log(`keys reloaded: ${keys.size}`);
      return Promise.resolve({ keys: keys.size });
    } catch (e) {
      metrics.reloads.inc({ result: 'failed' });
      log(`key reload failed, previous keys kept: ${e instanceof Error ? e.message : String(e)}`);
      return Promise.reject(e instanceof GatewayError ? e : new GatewayError('E_KEYS', String(e)));
    }
  };
  const servers: Server[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.all(servers.map(closeServer));
    for (const a of agents.values()) a.destroy();
    await store.close();
    await audit.close();
  };
  try {
    const main = createListener(config.listen, 'inference', inferenceHandler(rt), clientErrorHandler(rt, 'inference'), options.allowPublic === true, log);
    servers.push(main);
    const address = await listen(main, config.listen);
    let adminAddress: { host: string; port: number } | undefined;
    if (config.admin !== undefined) {
      const admin = createListener(config.admin, 'admin', adminHandler(rt, reload), clientErrorHandler(rt, 'admin'), options.allowPublic === true, log);
      servers.push(admin);
      adminAddress = await listen(admin, config.admin);
    }
    return { config, address, adminAddress, metrics, reload, close: closeAll };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
