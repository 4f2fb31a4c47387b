/**
 * Prometheus metrics in the text exposition format (version 0.0.4), served
 * on the admin listener. Label values come from the configuration and from
 * stable rule ids, never from request data, so series stay bounded.
 */
const BUCKETS_MS = [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

/** Escaped label values, remembered: values are bounded (routes, statuses, rule ids), and every request reuses the same few. */
const escaped = new Map<string, string>();
const MAX_ESCAPED = 10_000;

function escapeValue(v: string): string {
  let e = escaped.get(v);
  if (e === undefined) {
    e = v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
    if (escaped.size < MAX_ESCAPED) escaped.set(v, e);
  }
  return e;
}

function labels(l: Readonly<Record<string, string>>): string {
  let out = '';
  for (const k in l) out += `${out === '' ? '{' : ','}${k}="${escapeValue(l[k] as string)}"`;
  return out === '' ? '' : `${out}}`;
}

class Counter {
  readonly values = new Map<string, number>();
  inc(l: Readonly<Record<string, string>>, by = 1): void {
    const k = labels(l);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
}

class Histogram {
  readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  observe(l: Readonly<Record<string, string>>, v: number): void {
    const k = labels(l);
    let s = this.series.get(k);
    if (s === undefined) {
      s = { counts: BUCKETS_MS.map(() => 0), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    for (let i = 0; i < BUCKETS_MS.length; i++) if (v <= (BUCKETS_MS[i] ?? Infinity)) s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += v;
    s.count++;
  }
}

export class Metrics {
  readonly requests = new Counter();
  readonly rules = new Counter();
  readonly refusals = new Counter();
  readonly upstreamErrors = new Counter();
  readonly latency = new Histogram();
  readonly upstreamLatency = new Histogram();
  readonly reloads = new Counter();
  gauges: () => Record<string, number> = () => ({});

  render(): string {
    const out: string[] = [];
    const counter = (name: string, help: string, c: Counter): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [l, v] of c.values) out.push(`${name}${l} ${v}`);
    };
    const histogram = (name: string, help: string, h: Histogram): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
      for (const [l, s] of h.series) {
        const inner = l === '' ? '' : `${l.slice(1, -1)},`;
        BUCKETS_MS.forEach((b, i) => out.push(`${name}_bucket{${inner}le="${b}"} ${s.counts[i] ?? 0}`));
        out.push(`${name}_bucket{${inner}le="+Inf"} ${s.count}`, `${name}_sum${l} ${s.sum}`, `${name}_count${l} ${s.count}`);
      }
    };
    counter('modelguard_gateway_requests_total', 'Requests by route, status and action.', this.requests);
    counter('modelguard_gateway_rules_total', 'Rules that fired (filters, detector, sensitive data, limits).', this.rules);
    counter('modelguard_gateway_refusals_total', 'Refused requests by reason.', this.refusals);
    counter('modelguard_gateway_upstream_errors_total', 'Upstream failures by upstream and reason.', this.upstreamErrors);
    counter('modelguard_gateway_reloads_total', 'Key reloads by result.', this.reloads);
    histogram('modelguard_gateway_request_duration_ms', 'Whole request time in milliseconds.', this.latency);
    histogram('modelguard_gateway_upstream_duration_ms', 'Upstream time to response headers in milliseconds.', this.upstreamLatency);
    for (const [name, v] of Object.entries(this.gauges())) out.push(`# TYPE ${name} gauge`, `${name} ${v}`);
    return `${out.join('\n')}\n`;
  }
}
