/**
 * Counts uses of a key with an expiry; shaped after @modelguard/cache's CacheStore.incr so the Redis-backed store
 * can be bound directly. Used to cap how many requests one token may make.
 */
export interface UseCounter {
  /** Increments and returns the new count; the key expires after `ttlSeconds` (set on first use). */
  incr(key: string, ttlSeconds: number): Promise<number>;
}

export const GATEWAY_USE_COUNTER = Symbol('GATEWAY_USE_COUNTER');
