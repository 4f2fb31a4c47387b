/**
 * Reading the evidence channel: JSON lines from inside the sandbox.
 *
 * Trust model (see docs/sandbox.md): records from the loader process are a
 * lower bound. The payload runs in that process and can add lines, write
 * garbage or close the channel, but each audit event is written before the
 * action it announces, so it cannot take back what already left. Only the
 * monitor's final record (exit status, files left in the tmpfs) is
 * authenticated: HMAC-SHA256 under a key the payload never had.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SINK_KINDS = ['process', 'code', 'native', 'network', 'file-write', 'file-read', 'tamper'] as const;
export type SinkKind = (typeof SINK_KINDS)[number];

export interface EvidenceEvent {
  /** Audit event name (`os.system`, `pickle.find_class`, ...) or `sandbox.file` for files the monitor found. */
  event: string;
  /** Arguments rendered inside the sandbox (builtin types only, truncated). */
  args: string;
  /** Set when the event is a sink: the loader reached something a model never needs. */
  sink?: SinkKind;
}

export interface SandboxFile {
  path: string;
  size: number;
  mode: string;
  /** First bytes, when it is a regular file the monitor could read. */
  head?: string;
  type?: string;
}

export interface MonitorRecord {
  exit?: number;
  signal?: number;
  files: SandboxFile[];
}

export interface Evidence {
  events: EvidenceEvent[];
  sinks: EvidenceEvent[];
  /** The loader process reached its load phase. */
  started: boolean;
  outcome: 'loaded' | 'load-error' | 'unavailable' | 'none';
  detail?: string;
  /** The monitor's record: `verified` only when its MAC checks out. */
  monitor: { status: 'verified' | 'missing' | 'forged'; record?: MonitorRecord };
  /** Lines that were not JSON records of a known type (the payload writing to the channel). */
  malformedLines: number;
  truncated: boolean;
}

/** Events kept for the report; sinks are always kept (CWE-400). */
const MAX_EVENTS = 2000;

function str(v: unknown, max = 400): string {
  return typeof v === 'string' ? v.slice(0, max) : '';
}

function asSink(v: unknown): SinkKind | undefined {
  return SINK_KINDS.find((k) => k === v);
}

function parseFiles(v: unknown): SandboxFile[] {
  if (!Array.isArray(v)) return [];
  return v.slice(0, 500).flatMap((f: unknown) => {
    if (typeof f !== 'object' || f === null) return [];
    const o = f as Record<string, unknown>;
    const file: SandboxFile = { path: str(o['path']), size: typeof o['size'] === 'number' ? o['size'] : 0, mode: str(o['mode'], 8) };
    if (typeof o['head'] === 'string') file.head = str(o['head'], 200);
    if (typeof o['type'] === 'string') file.type = str(o['type'], 16);
    return [file];
  });
}

function verifySealed(o: Record<string, unknown>, key: string): MonitorRecord | undefined {
  const body = o['body'];
  const mac = o['mac'];
  if (typeof body !== 'string' || typeof mac !== 'string' || !/^[0-9a-f]{64}$/.test(mac)) return undefined;
  const want = createHmac('sha256', Buffer.from(key, 'latin1')).update(body).digest();
  if (!timingSafeEqual(want, Buffer.from(mac, 'hex'))) return undefined;
  const rec = JSON.parse(body) as Record<string, unknown>;
  const out: MonitorRecord = { files: parseFiles(rec['files']) };
  if (typeof rec['exit'] === 'number') out.exit = rec['exit'];
  if (typeof rec['signal'] === 'number') out.signal = rec['signal'];
  return out;
}

/** Parses the channel; `key` is the run key given to the monitor (hex text). */
export function parseEvidence(bytes: Uint8Array, key: string, truncated: boolean): Evidence {
  const ev: Evidence = { events: [], sinks: [], started: false, outcome: 'none', monitor: { status: 'missing' }, malformedLines: 0, truncated };
  const text = Buffer.from(bytes).toString('utf8');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let o: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a record');
      o = parsed as Record<string, unknown>;
    } catch {
      ev.malformedLines++;
      continue;
    }
    switch (o['t']) {
      case 'phase':
        if (o['phase'] === 'load') ev.started = true;
        break;
      case 'event': {
        const e: EvidenceEvent = { event: str(o['event'], 80), args: str(o['args']) };
        const sink = asSink(o['sink']);
        if (sink !== undefined) {
          e.sink = sink;
          ev.sinks.push(e);
        }
        if (ev.events.length < MAX_EVENTS) ev.events.push(e);
        break;
      }
      case 'loaded':
        // A payload can forge this line; the monitor's exit status says what really happened.
        if (ev.outcome === 'none') ev.outcome = 'loaded';
        ev.detail = str(o['type']);
        break;
      case 'load-error':
        ev.outcome = 'load-error';
        ev.detail = str(o['error']);
        break;
      case 'unavailable':
        ev.outcome = 'unavailable';
        ev.detail = str(o['error']);
        break;
      case 'hook-error':
        ev.events.push({ event: 'hook-error', args: str(o['event']) });
        break;
      case 'sealed': {
        let rec: MonitorRecord | undefined;
        try {
          rec = verifySealed(o, key);
        } catch {
          rec = undefined;
        }
        if (rec === undefined)
          ev.monitor = {
            status: ev.monitor.status === 'verified' ? 'verified' : 'forged',
            ...(ev.monitor.record === undefined ? {} : { record: ev.monitor.record }),
          };
        else ev.monitor = { status: 'verified', record: rec };
        break;
      }
      default:
        ev.malformedLines++;
    }
  }
  // What the monitor saw in the tmpfs is evidence no payload can hide by lying.
  for (const f of ev.monitor.record?.files ?? []) {
    const e: EvidenceEvent = {
      event: 'sandbox.file',
      args: `${f.path} (${f.size} bytes)${f.head === undefined ? '' : `: ${JSON.stringify(f.head.slice(0, 60))}`}`,
      sink: 'file-write',
    };
    ev.sinks.push(e);
    ev.events.push(e);
  }
  return ev;
}
