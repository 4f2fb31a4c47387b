/** One request in flight: what the response stages need and what they report back. */
import type { ServerResponse } from 'node:http';
import type { AuditRecord } from '../audit/record.js';
import type { ParsedRequest } from '../kinds/adapter.js';
import type { OutputAnalysis, OutputContext } from '../proxy/output-analysis.js';
import type { CompiledRoute, Runtime } from './runtime.js';

export interface Exchange {
  readonly rt: Runtime;
  readonly route: CompiledRoute;
  readonly record: AuditRecord;
  readonly parsed: ParsedRequest;
  readonly output: OutputContext;
  readonly keyId: string;
  /** The query as a vector, for the extraction monitor. */
  readonly query: Float32Array | undefined;
  /** RateLimit-* headers to send with the answer. */
  readonly headers: Readonly<Record<string, string>>;
  readonly res: ServerResponse;
  /** Characters of the prompt (for budgets). */
  readonly promptChars: number;
}

export interface Usage {
  readonly chars: number;
  readonly tokens: number;
}

/** Records what an output analysis fired into the audit record. */
export function noteAnalysis(record: AuditRecord, a: OutputAnalysis): void {
  for (const r of a.fired) if (!record.rules.includes(r)) record.rules.push(r);
  for (const r of a.shadow) if (!record.shadow.includes(r)) record.shadow.push(r);
}

/** Feeds the extraction monitor; returns whether the key is now flagged. */
export function observeQuery(x: Exchange, predicted: string | undefined): void {
  const prada = x.route.prada;
  if (prada === undefined || x.query === undefined) return;
  const v = prada.observe(x.keyId, x.query, predicted ?? '-');
  x.record.pradaW = v.w;
  if (v.flagged && !x.record.rules.includes('steal/extraction')) x.record.rules.push('steal/extraction');
}
