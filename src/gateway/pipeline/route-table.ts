/** Routes compiled once: a path pattern per route (`{model}` matches one segment), its adapter, detector and monitors. */
import type { RouteConfig } from '../config/types.js';
import { adapterFor } from '../kinds/index.js';
import { activeCategories } from '../redact/protect.js';
import { PradaMonitor } from '../steal/prada.js';
import type { Detector, DetectorFactory } from '../verify/detector.js';
import type { CompiledRoute } from './runtime.js';

export function compileRoute(route: RouteConfig, makeDetector: DetectorFactory, shared: Detector | undefined): CompiledRoute {
  const source = route.path
    .split('/')
    .map((seg) => (seg === '{model}' ? '([A-Za-z0-9._:@-]{1,128})' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return {
    config: route,
    adapter: adapterFor(route.kind),
    pattern: new RegExp(`^${source}$`),
    detector: shared ?? makeDetector({ mode: route.detector.mode }),
    prada: route.steal.prada === undefined ? undefined : new PradaMonitor(route.steal.prada),
    requestCategories: activeCategories(route.sensitive.request),
    responseCategories: activeCategories(route.sensitive.response),
    placeholders: Object.values(route.sensitive.request).includes('placeholder'),
  };
}

export function matchRoute(routes: readonly CompiledRoute[], pathname: string): { route: CompiledRoute; model: string | undefined } | undefined {
  for (const route of routes) {
    const m = route.pattern.exec(pathname);
    if (m !== null) return { route, model: m[1] };
  }
  return undefined;
}

/** The upstream path: the route's `upstreamPath` (or its own path) with `{model}` filled in. */
export function upstreamPath(route: RouteConfig, model: string | undefined): string {
  const template = route.upstreamPath ?? route.path;
  return template.replace('{model}', encodeURIComponent(model ?? ''));
}
