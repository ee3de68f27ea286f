import Redis, { type RedisOptions } from 'ioredis';
import { type Backoff, backoffDelay } from '@modelguard/jobs';
import type { ComponentHealth } from '@modelguard/observability';
import { assertKey, assertTtl, assertValue, CacheInputError, CacheStore, DEFAULT_MAX_VALUE_BYTES } from './cache-store';

export interface RedisCacheOptions {
  url: string;
  /** Namespaces every key (ioredis applies it to each command), e.g. `modelguard:prod:`. */
  keyPrefix: string;
  maxValueBytes?: number;
  /** Per-command limit so a stalled Redis fails calls instead of hanging requests. Default 2000 ms. */
  commandTimeoutMs?: number;
}

/** Reconnect waits: 200 ms doubling to 2 s, so a restarted Redis is found again within seconds. */
const RECONNECT_BACKOFF: Backoff = { initialMs: 200, maxMs: 2_000 };

/** Redis-backed CacheStore for distributed mode (shared by every service instance). */
export class RedisCacheStore extends CacheStore {
  readonly client: Redis;
  private readonly maxValueBytes: number;

  constructor(opts: RedisCacheOptions) {
    super();
    this.maxValueBytes = opts.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    const options: RedisOptions = {
      keyPrefix: opts.keyPrefix,
      connectTimeout: 5_000,
      commandTimeout: opts.commandTimeoutMs ?? 2_000,
      // Fail a command after a couple of reconnect attempts rather than queueing it indefinitely.
      maxRetriesPerRequest: 2,
      retryStrategy: (attempt) => backoffDelay(RECONNECT_BACKOFF, attempt),
    };
    this.client = new Redis(opts.url, options);
    // Without a listener ioredis logs every connection error as an unhandled 'error' event; failures
    // surface through the rejected commands and the health check instead.
    this.client.on('error', () => undefined);
  }

  async get(key: string): Promise<string | null> {
    return this.client.get(assertKey(key));
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    assertKey(key);
    const ttl = assertTtl(ttlSeconds);
    const v = assertValue(value, this.maxValueBytes);
    if (ttl === undefined) await this.client.set(key, v);
    else await this.client.set(key, v, 'EX', ttl);
  }

  async del(key: string): Promise<void> {
    await this.client.del(assertKey(key));
  }

  async incr(key: string, ttlSeconds?: number): Promise<number> {
    assertKey(key);
    const ttl = assertTtl(ttlSeconds);
    if (ttl === undefined) return this.incrOnly(key);
    // MULTI keeps INCR and EXPIRE together; `NX` (Redis >= 7) only sets a TTL when none exists.
    const results = await this.client.multi().incr(key).expire(key, ttl, 'NX').exec();
    const [incrErr, value] = results?.[0] ?? [new Error('Redis MULTI returned no result'), null];
    if (incrErr) throw toInputError(incrErr, key);
    return Number(value);
  }

  async healthCheck(): Promise<ComponentHealth> {
    const started = Date.now();
    const pong = await this.client.ping();
    return { status: pong === 'PONG' ? 'ok' : 'degraded', metrics: { driver: 'redis', ping_ms: Date.now() - started } };
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private async incrOnly(key: string): Promise<number> {
    try {
      return await this.client.incr(key);
    } catch (err) {
      throw toInputError(err, key);
    }
  }
}

function toInputError(err: unknown, key: string): unknown {
  return err instanceof Error && /not an integer|out of range/i.test(err.message) ? new CacheInputError(`Value at ${key} is not an integer`) : err;
}
