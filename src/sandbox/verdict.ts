/**
 * The dynamic verdict of one detonation.
 * - `malicious`: the evidence shows a sink (a process, dynamic code, a
 *   native library, the network, a file written or read outside the input),
 *   or someone forged the monitor's record.
 * - `clean`: the loader returned, nothing reached a sink, and the monitor's
 *   authenticated record confirms a normal exit with no files left behind.
 * - `load-failed`: the loader raised, and nothing reached a sink.
 * - `inconclusive`: killed (time, CPU, memory), the monitor's record is
 *   missing, or the channel overflowed: absence of evidence proves nothing.
 */
import type { Evidence } from './evidence.js';

export const DYNAMIC_VERDICTS = ['clean', 'load-failed', 'inconclusive', 'malicious'] as const;
export type DynamicVerdict = (typeof DYNAMIC_VERDICTS)[number];

/** Exit statuses of the loader process (`bootstrap/loaders-py.ts`). */
export const LOADER_EXIT = { loaded: 0, loadError: 10, unavailable: 11 } as const;

export function dynamicVerdict(ev: Evidence, timedOut: boolean): { verdict: DynamicVerdict; reason: string } {
  if (ev.sinks.length > 0) {
    const kinds = [...new Set(ev.sinks.map((s) => s.sink))].join(', ');
    return { verdict: 'malicious', reason: `reached ${kinds}` };
  }
  if (ev.monitor.status === 'forged') return { verdict: 'malicious', reason: 'the monitor record was forged from inside' };
  if (timedOut) return { verdict: 'inconclusive', reason: 'wall-clock limit reached; the process group was killed' };
  if (ev.truncated) return { verdict: 'inconclusive', reason: 'the evidence channel overflowed' };
  const rec = ev.monitor.record;
  if (ev.monitor.status !== 'verified' || rec === undefined) return { verdict: 'inconclusive', reason: 'no authenticated record from the monitor' };
  if (rec.signal !== undefined) return { verdict: 'inconclusive', reason: `the loader was killed by signal ${rec.signal}` };
  if (rec.exit === LOADER_EXIT.loaded && ev.outcome === 'loaded') return { verdict: 'clean', reason: `loaded (${ev.detail ?? '?'})` };
  if (rec.exit === LOADER_EXIT.loadError) return { verdict: 'load-failed', reason: ev.detail ?? 'the loader raised' };
  return { verdict: 'inconclusive', reason: `the loader exited with status ${String(rec.exit)}` };
}
