/**
 * Attempts per client per window for the sign-in endpoint: a fixed window
 * in memory (per process). Bounded: at most MAX_CLIENTS tracked, the oldest
 * windows dropped first (CWE-770).
 */
import { RegistryError } from '../errors.js';

export const MAX_CLIENTS = 10_000;

export class AttemptLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #seen = new Map<string, { start: number; count: number }>();
  constructor(max: number, windowMs: number) {
    this.#max = max;
    this.#windowMs = windowMs;
  }

  /** Counts an attempt by `client`; throws `E_RATE` when over the limit. */
  hit(client: string, now = Date.now()): void {
    let w = this.#seen.get(client);
    if (w === undefined || now - w.start >= this.#windowMs) {
      this.#seen.delete(client);
      if (this.#seen.size >= MAX_CLIENTS) {
        const oldest = this.#seen.keys().next().value;
        if (oldest !== undefined) this.#seen.delete(oldest);
      }
      w = { start: now, count: 0 };
      this.#seen.set(client, w);
    }
    w.count++;
    if (w.count > this.#max) throw new RegistryError('E_RATE', 'too many sign-in attempts; wait a minute');
  }
}
