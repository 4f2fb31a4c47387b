/**
 * Limit state in this process. Entries are bounded (least recently used
 * dropped first) so a flood from many addresses cannot grow the tables
 * without limit (CWE-770); a dropped bucket comes back full, which errs on
 * the side of availability for that address only.
 */
import type { BucketConfig } from '../config/types.js';
import { bucketResult, refill, type BucketResult, type LimitStore } from './store.js';

const MAX_ENTRIES = 200_000;

function touch<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_ENTRIES) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

export class MemoryStore implements LimitStore {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #counters = new Map<string, { value: number; expires: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  take(key: string, bucket: BucketConfig, cost: number): Promise<BucketResult> {
    const now = this.#now() / 1000;
    const b = this.#buckets.get(key);
    let tokens = b === undefined ? bucket.burst : refill(b.tokens, b.at, now, bucket);
    const allowed = tokens >= cost;
    if (allowed) tokens -= cost;
    touch(this.#buckets, key, { tokens, at: now });
    return Promise.resolve(bucketResult(tokens, allowed, cost, bucket));
  }

  add(key: string, amount: number, ttlSec: number): Promise<number> {
    const now = this.#now();
    const c = this.#counters.get(key);
    const value = (c === undefined || c.expires <= now ? 0 : c.value) + amount;
    touch(this.#counters, key, { value, expires: c !== undefined && c.expires > now ? c.expires : now + ttlSec * 1000 });
    return Promise.resolve(value);
  }

  get(key: string): Promise<number> {
    const c = this.#counters.get(key);
    return Promise.resolve(c === undefined || c.expires <= this.#now() ? 0 : c.value);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
