/** The `limits:` section (also read for per-key overrides in the key file). */
import { configError, type Fields } from './fields.js';
import type { BucketConfig, DailyQuota, LimitsConfig, RedisConfig } from './types.js';

export function readBucket(f: Fields | undefined): BucketConfig | undefined {
  if (f === undefined) return undefined;
  const perSecond = f.optionalNumber('perSecond', { min: 1e-6, max: 1e6 });
  const perMinute = f.optionalNumber('perMinute', { min: 1e-6, max: 1e8 });
  if ((perSecond === undefined) === (perMinute === undefined)) throw configError(f.path, 'give exactly one of perSecond, perMinute');
  const ratePerSec = perSecond ?? (perMinute ?? 0) / 60;
  return { ratePerSec, burst: f.number('burst', Math.max(1, Math.ceil(ratePerSec)), { min: 1, max: 1e8 }) };
}

export const BUCKET_KEYS = ['perSecond', 'perMinute', 'burst'] as const;
export const DAILY_KEYS = ['requests', 'chars', 'tokens'] as const;

export function readDaily(f: Fields | undefined): DailyQuota {
  const n = (k: string): number | undefined => f?.optionalNumber(k, { integer: true, min: 1 });
  return { requests: n('requests'), chars: n('chars'), tokens: n('tokens') };
}

function readRedis(f: Fields | undefined): RedisConfig | undefined {
  if (f === undefined) return undefined;
  return {
    host: f.string('host') ?? '127.0.0.1',
    port: f.number('port', 6379, { integer: true, min: 1, max: 65535 }),
    prefix: f.string('prefix', { pattern: /^[A-Za-z0-9:_.-]{1,64}$/, what: 'letters, digits and :_.- (at most 64)' }) ?? 'modelguard:',
    timeoutMs: f.number('timeoutMs', 500, { integer: true, min: 10, max: 60_000 }),
    password: f.string('password'),
  };
}

export function readLimits(f: Fields | undefined): LimitsConfig {
  const store = f?.oneOf('store', ['memory', 'redis'] as const, 'memory') ?? 'memory';
  const redis = readRedis(f?.object('redis', ['host', 'port', 'prefix', 'timeoutMs', 'password']));
  if (store === 'redis' && redis === undefined) throw configError(f?.at('redis') ?? 'limits.redis', 'required when store is redis');
  const num = (k: string, dflt: number, max: number, min = 1): number => f?.number(k, dflt, { integer: true, min, max }) ?? dflt;
  return {
    store,
    redis,
    onStoreError: f?.oneOf('onStoreError', ['deny', 'allow'] as const, 'deny') ?? 'deny',
    perKey: readBucket(f?.object('perKey', BUCKET_KEYS)),
    perAddress: readBucket(f?.object('perAddress', BUCKET_KEYS)),
    daily: readDaily(f?.object('daily', DAILY_KEYS)),
    maxConcurrent: num('maxConcurrent', 64, 100_000),
    maxQueue: num('maxQueue', 256, 1_000_000, 0),
    queueTimeoutMs: num('queueTimeoutMs', 5_000, 600_000),
    maxBodyBytes: f?.size('maxBodyBytes', 1024 * 1024, 256 * 1024 * 1024) ?? 1024 * 1024,
    bodyIdleTimeoutMs: num('bodyIdleTimeoutMs', 5_000, 600_000, 10),
  };
}
