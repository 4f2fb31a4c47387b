/**
 * Every check on one piece of model output, as edits and a verdict:
 * canary leak (block), markdown/HTML filters, the detector's response
 * stage, sensitive data, then placeholders restored. Used whole on a
 * complete response and on the rolling window of a stream.
 */
import type { RouteConfig, SensitiveCategory } from '../config/types.js';
import { resolveEdits, type Edit } from '../filter/edits.js';
import { filterOutput } from '../filter/output-rules.js';
import type { Placeholders } from '../redact/placeholders.js';
import { protect } from '../redact/protect.js';
import { leaksCanary, type Canary } from '../verify/canary.js';
import type { Detector } from '../verify/detector.js';
import { verifyText } from '../verify/stage.js';

export interface OutputAnalysis {
  readonly edits: readonly Edit[];
  /** Set when the output must not reach the client: the reason and the rules. */
  readonly block: { readonly reason: string; readonly rules: readonly string[] } | undefined;
  readonly fired: readonly string[];
  /** Detector rules recorded without enforcement. */
  readonly shadow: readonly string[];
}

export interface OutputContext {
  readonly route: RouteConfig;
  readonly detector: Detector;
  readonly canary: Canary | undefined;
  readonly placeholders: Placeholders | undefined;
  readonly categories: ReadonlySet<SensitiveCategory>;
}

export function analyseOutput(text: string, ctx: OutputContext): OutputAnalysis {
  if (ctx.canary !== undefined && leaksCanary(text, ctx.canary)) {
    return { edits: [], block: { reason: 'output/canary', rules: ['output/canary'] }, fired: ['output/canary'], shadow: [] };
  }
  const filters = filterOutput(text, ctx.route.filter);
  if (filters.blocked.length > 0)
    return { edits: [], block: { reason: filters.blocked[0] ?? 'output/blocked', rules: filters.blocked }, fired: filters.fired, shadow: [] };
  const verdict = verifyText(ctx.detector, text, ctx.route.detector.response);
  if (verdict.block)
    return { edits: [], block: { reason: 'detector/response', rules: verdict.rules }, fired: [...filters.fired, ...verdict.rules], shadow: [] };
  const sensitive = protect(text, ctx.route.sensitive.response, ctx.categories, undefined);
  const fired = [...filters.fired, ...sensitive.fired];
  if (sensitive.blocked.length > 0)
    return { edits: [], block: { reason: sensitive.blocked[0] ?? 'sensitive/blocked', rules: sensitive.blocked }, fired, shadow: [] };
  const restore = ctx.placeholders?.restoreEdits(text) ?? [];
  return { edits: resolveEdits([...filters.edits, ...sensitive.edits, ...restore]), block: undefined, fired, shadow: verdict.shadow ? verdict.rules : [] };
}
