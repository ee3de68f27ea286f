/**
 * The slice of the shared cache the gateway's auth needs: token use counters, revocation marks and login-failure
 * windows. Shaped after @modelguard/cache's CacheStore so the platform store (Redis when distributed, in-process
 * when embedded) is bound directly. Entries may vanish (restart, eviction): callers keep what must survive in the
 * database and treat the cache as the fast path only (auth/token-ledger.ts).
 */
export interface CounterCache {
  /** Adds 1 and returns the new value (1 for a missing key); `ttlSeconds` applies only when the key has none yet. */
  incr(key: string, ttlSeconds?: number): Promise<number>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  del(key: string): Promise<void>;
}

export const GATEWAY_COUNTER_CACHE = Symbol('GATEWAY_COUNTER_CACHE');
