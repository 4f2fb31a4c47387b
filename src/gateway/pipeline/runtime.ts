/** What a running gateway shares between requests. */
import type { KeyStore } from '../auth/key-store.js';
import type { AuditSink } from '../audit/writer.js';
import type { Metrics } from '../audit/metrics.js';
import type { GatewayConfig, RouteConfig, SensitiveCategory } from '../config/types.js';
import type { RouteAdapter } from '../kinds/adapter.js';
import type { ConcurrencyGate } from '../limits/gate.js';
import type { Limiter } from '../limits/limiter.js';
import type { UpstreamAgent } from '../proxy/upstream.js';
import type { PradaMonitor } from '../steal/prada.js';
import type { Detector } from '../verify/detector.js';

export interface CompiledRoute {
  readonly config: RouteConfig;
  readonly adapter: RouteAdapter;
  readonly pattern: RegExp;
  readonly detector: Detector;
  readonly prada: PradaMonitor | undefined;
  readonly requestCategories: ReadonlySet<SensitiveCategory>;
  readonly responseCategories: ReadonlySet<SensitiveCategory>;
  readonly placeholders: boolean;
}

export interface Runtime {
  readonly config: GatewayConfig;
  readonly routes: readonly CompiledRoute[];
  readonly keys: KeyStore;
  readonly limiter: Limiter;
  readonly gate: ConcurrencyGate;
  readonly agents: ReadonlyMap<string, UpstreamAgent>;
  readonly metrics: Metrics;
  readonly audit: AuditSink;
  readonly hashPrompt: (text: string) => string;
  readonly log: (line: string) => void;
  readonly now: () => number;
}
