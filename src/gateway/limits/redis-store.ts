/**
 * Limit state in Redis, shared by gateway replicas. Each operation is one
 * Lua script, atomic on the server, timed by the server's clock (`TIME`) so
 * replicas with skewed clocks agree. Scripts run by SHA and are loaded on
 * the first NOSCRIPT reply.
 */
import { createHash } from 'node:crypto';
import type { BucketConfig, RedisConfig } from '../config/types.js';
import { GatewayError } from '../errors.js';
import { RespClient, RespError, type RespValue } from './resp.js';
import { bucketResult, type BucketResult, type LimitStore } from './store.js';

// Mirrors store.ts refill(): tokens refill at `rate` per second up to `burst`.
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local s = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(s[1])
local at = tonumber(s[2])
if tokens == nil or at == nil then tokens = burst; at = now end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local allowed = 0
if tokens >= cost then tokens = tokens - cost; allowed = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, tostring(tokens)}
`;

const ADD = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return v
`;

const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex');

export class RedisStore implements LimitStore {
  readonly #client: RespClient;
  readonly #prefix: string;

  constructor(config: RedisConfig) {
    this.#client = new RespClient({ host: config.host, port: config.port, password: config.password, timeoutMs: config.timeoutMs });
    this.#prefix = config.prefix;
  }

  async #script(source: string, key: string, args: readonly (string | number)[]): Promise<RespValue> {
    let r = await this.#client.command(['EVALSHA', sha1(source), 1, this.#prefix + key, ...args]);
    if (r instanceof RespError && r.message.startsWith('NOSCRIPT')) r = await this.#client.command(['EVAL', source, 1, this.#prefix + key, ...args]);
    if (r instanceof RespError) throw new GatewayError('E_STORE', `redis: ${r.message}`);
    return r;
  }

  async take(key: string, bucket: BucketConfig, cost: number): Promise<BucketResult> {
    const r = await this.#script(TAKE, key, [bucket.ratePerSec, bucket.burst, cost]);
    if (!Array.isArray(r) || typeof r[0] !== 'number' || typeof r[1] !== 'string' || !Number.isFinite(Number(r[1])))
      throw new GatewayError('E_STORE', 'redis: unexpected bucket reply');
    return bucketResult(Number(r[1]), r[0] === 1, cost, bucket);
  }

  async add(key: string, amount: number, ttlSec: number): Promise<number> {
    const r = await this.#script(ADD, key, [Math.round(amount), Math.ceil(ttlSec)]);
    if (typeof r !== 'number') throw new GatewayError('E_STORE', 'redis: unexpected counter reply');
    return r;
  }

  async get(key: string): Promise<number> {
    const r = await this.#client.command(['GET', this.#prefix + key]);
    if (r instanceof RespError) throw new GatewayError('E_STORE', `redis: ${r.message}`);
    if (r === null) return 0;
    const n = Number(r);
    if (typeof r !== 'string' || !Number.isSafeInteger(n)) throw new GatewayError('E_STORE', 'redis: counter is not an integer');
    return n;
  }

  close(): Promise<void> {
    return this.#client.close();
  }
}
