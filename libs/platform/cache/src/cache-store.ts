import type { ComponentHealth } from '@modelguard/observability';

/** Rejected keys, TTLs or values (a programming or input error, never an infrastructure one). */
export class CacheInputError extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'CacheInputError';
  }
}

export const MAX_KEY_LENGTH = 512;
export const DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;

/**
 * Small, short-lived shared state: rate-limit counters, token use counts, memoised lookups. Also the
 * Nest DI token (`constructor(private readonly cache: CacheStore)`). Not a database: entries may
 * vanish at any time (eviction, restart), so callers must tolerate a miss.
 */
export abstract class CacheStore {
  abstract get(key: string): Promise<string | null>;
  /** `ttlSeconds` (a positive integer) makes the entry expire; without it the entry lives until evicted. */
  abstract set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  abstract del(key: string): Promise<void>;
  /**
   * Atomically adds 1 and returns the new value (1 for a new key). `ttlSeconds` is applied only when
   * the key has no expiry yet, so a fixed window is not extended by every hit. A stored non-integer
   * value makes it reject.
   */
  abstract incr(key: string, ttlSeconds?: number): Promise<number>;
  abstract healthCheck(): Promise<ComponentHealth>;

  /** Parsed JSON, or null on a miss *or* on corrupt content (a cache must never crash its reader). */
  async getJson<T>(key: string): Promise<T | null> {
    const raw = await this.get(key);
    if (raw === null) return null;
    try {
      return JSON.parse(raw) as T;
    } catch {
      return null;
    }
  }

  async setJson(key: string, value: unknown, ttlSeconds?: number): Promise<void> {
    const text = JSON.stringify(value);
    if (text === undefined) throw new CacheInputError('setJson: value is not JSON-serialisable');
    await this.set(key, text, ttlSeconds);
  }
}

export function assertKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new CacheInputError(`Cache key must be a string of 1..${MAX_KEY_LENGTH} characters`);
  }
  return key;
}

export function assertTtl(ttlSeconds: unknown): number | undefined {
  if (ttlSeconds === undefined) return undefined;
  if (typeof ttlSeconds !== 'number' || !Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new CacheInputError('ttlSeconds must be a positive integer');
  }
  return ttlSeconds;
}

export function assertValue(value: unknown, maxBytes: number): string {
  if (typeof value !== 'string') throw new CacheInputError('Cache value must be a string');
  if (Buffer.byteLength(value) > maxBytes) throw new CacheInputError(`Cache value exceeds ${maxBytes} bytes`);
  return value;
}
