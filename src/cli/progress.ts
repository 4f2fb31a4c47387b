/**
 * A one-line progress display on a terminal's stderr for long scans;
 * silent when stderr is not a TTY (CI logs stay clean).
 */
import type { Verdict } from '../findings/verdict.js';

/** Redraw at most this often. */
const INTERVAL_MS = 100;

export class Progress {
  private readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly on: boolean;
  private last = 0;
  private bad = 0;
  private shown = false;
  private readonly started = performance.now();

  /** `enabled` undefined means: when the stream is a TTY. */
  constructor(out: NodeJS.WritableStream & { isTTY?: boolean }, enabled: boolean | undefined) {
    this.out = out;
    this.on = enabled ?? out.isTTY === true;
  }

  update(done: number, total: number, verdict: Verdict): void {
    if (verdict !== 'clean') this.bad++;
    if (!this.on) return;
    const now = performance.now();
    if (now - this.last < INTERVAL_MS && done < total) return;
    // Short scans finish before a progress line helps.
    if (now - this.started < 500 && done < total) return;
    this.last = now;
    this.shown = true;
    this.out.write(`\r\x1b[Kscanning: ${done}/${total} files, ${this.bad} not clean`);
  }

  done(): void {
    if (this.on && this.shown) this.out.write('\r\x1b[K');
  }
}
