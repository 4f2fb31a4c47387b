/**
 * Bounded concurrency with a bounded queue: at most `maxConcurrent`
 * requests go to upstreams at once, at most `maxQueue` wait (each for at
 * most `queueTimeoutMs`); beyond that the gateway answers 503 at once
 * instead of piling up sockets and memory (CWE-400).
 */
import { refuse } from '../errors.js';

interface Waiter {
  resolve(release: () => void): void;
  timer: NodeJS.Timeout;
}

export class ConcurrencyGate {
  readonly #max: number;
  readonly #maxQueue: number;
  readonly #timeoutMs: number;
  #active = 0;
  readonly #queue: Waiter[] = [];

  constructor(max: number, maxQueue: number, timeoutMs: number) {
    this.#max = max;
    this.#maxQueue = maxQueue;
    this.#timeoutMs = timeoutMs;
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** Resolves with a release function (call it exactly once); rejects with a 503 refusal. */
  acquire(): Promise<() => void> {
    if (this.#active < this.#max) {
      this.#active++;
      return Promise.resolve(this.#releaser());
    }
    if (this.#queue.length >= this.#maxQueue)
      return Promise.reject(refuse(503, 'limit/queue-full', 'the gateway is at capacity', { headers: { 'retry-after': '1' } }));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          const i = this.#queue.indexOf(waiter);
          if (i >= 0) this.#queue.splice(i, 1);
          reject(refuse(503, 'limit/queue-timeout', 'waited too long for capacity', { headers: { 'retry-after': '1' } }));
        }, this.#timeoutMs),
      };
      this.#queue.push(waiter);
    });
  }

  #releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.#queue.shift();
      if (next === undefined) {
        this.#active--;
        return;
      }
      clearTimeout(next.timer);
      next.resolve(this.#releaser());
    };
  }
}
