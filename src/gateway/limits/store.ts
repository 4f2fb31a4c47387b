/**
 * Where limit state lives: in this process (default) or in Redis, shared by
 * every gateway replica. Two primitives cover every limit:
 * - a token bucket (`take`), for request rates per key and per address;
 * - a counter with an expiry (`add`/`get`), for daily quotas and budgets.
 * A store that fails throws `GatewayError('E_STORE')`.
 */
import type { BucketConfig } from '../config/types.js';

export interface BucketResult {
  readonly allowed: boolean;
  /** Whole tokens left after this request. */
  readonly remaining: number;
  /** Seconds until a refused request could succeed (0 when allowed). */
  readonly retryAfterSec: number;
  /** Seconds until the bucket is full again. */
  readonly resetSec: number;
}

export interface LimitStore {
  take(key: string, bucket: BucketConfig, cost: number): Promise<BucketResult>;
  /** Adds `amount` to a counter that expires after `ttlSec`; returns the new value. */
  add(key: string, amount: number, ttlSec: number): Promise<number>;
  get(key: string): Promise<number>;
  close(): Promise<void>;
}

/** Token-bucket arithmetic shared by both stores (the Redis script mirrors it). */
export function refill(tokens: number, lastSec: number, nowSec: number, bucket: BucketConfig): number {
  return Math.min(bucket.burst, tokens + Math.max(0, nowSec - lastSec) * bucket.ratePerSec);
}

export function bucketResult(tokensAfter: number, allowed: boolean, cost: number, bucket: BucketConfig): BucketResult {
  return {
    allowed,
    remaining: Math.max(0, Math.floor(tokensAfter)),
    retryAfterSec: allowed ? 0 : Math.max(1, Math.ceil((cost - tokensAfter) / bucket.ratePerSec)),
    resetSec: Math.max(0, Math.ceil((bucket.burst - tokensAfter) / bucket.ratePerSec)),
  };
}
