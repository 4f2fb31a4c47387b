/**
 * Every rate and quota decision for one request, against one `LimitStore`:
 * - before authentication: the source address's bucket (floods of bad keys
 *   are throttled too);
 * - after: the key's bucket, its daily request quota, its character and
 *   token budgets (refused once spent), the route's per-key query budget;
 * - after the response: characters and tokens charged to the budgets.
 * Refusals are 429 with Retry-After and RateLimit-* headers
 * (draft-ietf-httpapi-ratelimit-headers). A failing store refuses with 503
 * (`limit/store-unavailable`) unless `onStoreError: allow`.
 */
import type { BucketConfig, DailyQuota, LimitsConfig } from '../config/types.js';
import { GatewayError, refuse } from '../errors.js';
import type { BucketResult, LimitStore } from './store.js';

const DAY_SEC = 86_400;

export interface LimitHeaders {
  readonly headers: Record<string, string>;
}

function rateHeaders(bucket: BucketConfig, r: BucketResult, policy: string): Record<string, string> {
  const window = Math.max(1, Math.round(bucket.burst / bucket.ratePerSec));
  return {
    'ratelimit-limit': String(Math.floor(bucket.burst)),
    'ratelimit-remaining': String(r.remaining),
    'ratelimit-reset': String(r.resetSec),
    'ratelimit-policy': `${Math.floor(bucket.burst)};w=${window};policy="${policy}"`,
  };
}

export class Limiter {
  readonly #store: LimitStore;
  readonly #config: LimitsConfig;
  readonly #now: () => number;

  constructor(store: LimitStore, config: LimitsConfig, now: () => number = Date.now) {
    this.#store = store;
    this.#config = config;
    this.#now = now;
  }

  /** UTC day number, part of every quota key so quotas reset at midnight UTC. */
  #day(): number {
    return Math.floor(this.#now() / 1000 / DAY_SEC);
  }

  #secondsToMidnight(): number {
    return DAY_SEC - (Math.floor(this.#now() / 1000) % DAY_SEC);
  }

  async #guard<T>(op: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await op();
    } catch (e) {
      if (!(e instanceof GatewayError) || e.code !== 'E_STORE') throw e;
      if (this.#config.onStoreError === 'allow') return fallback;
      throw refuse(503, 'limit/store-unavailable', 'rate limit state is unavailable', { headers: { 'retry-after': '1' } });
    }
  }

  async #bucket(key: string, bucket: BucketConfig | undefined, reason: string, policy: string): Promise<Record<string, string>> {
    if (bucket === undefined) return {};
    const r = await this.#guard(() => this.#store.take(key, bucket, 1), undefined);
    if (r === undefined) return {};
    const headers = rateHeaders(bucket, r, policy);
    if (!r.allowed) throw refuse(429, reason, 'rate limit exceeded', { headers: { ...headers, 'retry-after': String(r.retryAfterSec) } });
    return headers;
  }

  checkAddress(address: string): Promise<Record<string, string>> {
    return this.#bucket(`addr:${address}`, this.#config.perAddress, 'limit/address-rate', 'address');
  }

  /** The key's bucket and quotas; returns the headers to send with the response. */
  async checkKey(keyId: string, perKey: BucketConfig | undefined, daily: DailyQuota | undefined): Promise<Record<string, string>> {
    const headers = await this.#bucket(`key:${keyId}`, perKey ?? this.#config.perKey, 'limit/key-rate', 'key');
    const quota = daily ?? this.#config.daily;
    const day = this.#day();
    const quotaRefusal = (reason: string, what: string, limit: number): never => {
      throw refuse(429, reason, `daily ${what} quota spent`, {
        headers: {
          ...headers,
          'retry-after': String(this.#secondsToMidnight()),
          'ratelimit-limit': String(limit),
          'ratelimit-remaining': '0',
          'ratelimit-reset': String(this.#secondsToMidnight()),
        },
      });
    };
    if (quota.requests !== undefined) {
      const n = await this.#guard(() => this.#store.add(`q:${keyId}:requests:${day}`, 1, DAY_SEC * 2), 0);
      if (n > quota.requests) quotaRefusal('limit/daily-requests', 'request', quota.requests);
    }
    if (quota.chars !== undefined) {
      const used = await this.#guard(() => this.#store.get(`q:${keyId}:chars:${day}`), 0);
      if (used >= quota.chars) quotaRefusal('limit/daily-chars', 'character', quota.chars);
    }
    if (quota.tokens !== undefined) {
      const used = await this.#guard(() => this.#store.get(`q:${keyId}:tokens:${day}`), 0);
      if (used >= quota.tokens) quotaRefusal('limit/daily-tokens', 'token', quota.tokens);
    }
    return headers;
  }

  /** Per-key, per-route query budget of classifier routes (model-stealing defence). */
  async checkQueryBudget(keyId: string, route: string, perDay: number | undefined): Promise<void> {
    if (perDay === undefined) return;
    const n = await this.#guard(() => this.#store.add(`steal:${keyId}:${route}:${this.#day()}`, 1, DAY_SEC * 2), 0);
    if (n > perDay)
      throw refuse(429, 'steal/query-budget', 'daily query budget for this model spent', { headers: { 'retry-after': String(this.#secondsToMidnight()) } });
  }

  /** Charges what the exchange used, after the response. Errors are swallowed: the response is already out. */
  async charge(keyId: string, chars: number, tokens: number): Promise<void> {
    const day = this.#day();
    const jobs: Promise<number>[] = [];
    if (chars > 0) jobs.push(this.#store.add(`q:${keyId}:chars:${day}`, chars, DAY_SEC * 2));
    if (tokens > 0) jobs.push(this.#store.add(`q:${keyId}:tokens:${day}`, tokens, DAY_SEC * 2));
    await Promise.allSettled(jobs);
  }
}
