/**
 * Structured tunnel logs: one JSON object a line (`time`, `event`, and
 * fields). Refusals are rate-limited per peer so a flood cannot flood the
 * log: past `REFUSAL_LOG_BURST` lines in a window, refusals are counted and
 * reported as one `suppressed` line when the next window opens.
 */
export type TunnelEvent = 'listening' | 'accepted' | 'refused' | 'closed' | 'suppressed' | 'upstream-error' | 'reloaded' | 'stopped';

export type LogSink = (line: string) => void;

export interface TunnelLog {
  event(event: TunnelEvent, fields: Record<string, unknown>): void;
  refused(peer: string, reason: string, fields?: Record<string, unknown>): void;
}

/** Refusal lines logged per peer per window before the rest are only counted. */
export const REFUSAL_LOG_BURST = 5;
export const REFUSAL_LOG_WINDOW_MS = 10_000;
/** Peers whose suppression state is remembered (beyond this, the oldest window is flushed). CWE-770. */
export const MAX_LOG_PEERS = 4096;

export function createLog(sink: LogSink, now: () => number = Date.now): TunnelLog {
  const windows = new Map<string, { start: number; logged: number; suppressed: number }>();
  const write = (event: TunnelEvent, fields: Record<string, unknown>): void => {
    sink(JSON.stringify({ time: new Date(now()).toISOString(), event, ...fields }));
  };
  const flush = (peer: string, w: { suppressed: number }): void => {
    if (w.suppressed > 0) write('suppressed', { peer, refusals: w.suppressed });
  };
  return {
    event: write,
    refused(peer, reason, fields = {}) {
      const t = now();
      let w = windows.get(peer);
      if (w !== undefined && t - w.start >= REFUSAL_LOG_WINDOW_MS) {
        flush(peer, w);
        windows.delete(peer);
        w = undefined;
      }
      if (w === undefined) {
        if (windows.size >= MAX_LOG_PEERS) {
          const [oldest] = windows;
          if (oldest !== undefined) {
            flush(oldest[0], oldest[1]);
            windows.delete(oldest[0]);
          }
        }
        w = { start: t, logged: 0, suppressed: 0 };
        windows.set(peer, w);
      }
      if (w.logged < REFUSAL_LOG_BURST) {
        w.logged++;
        write('refused', { peer, reason, ...fields });
      } else w.suppressed++;
    },
  };
}
