import type { ComponentHealth } from '@modelguard/observability';
import { assertKey, assertTtl, assertValue, CacheInputError, CacheStore, DEFAULT_MAX_VALUE_BYTES } from './cache-store';

export interface MemoryCacheOptions {
  /** Entry cap; the least recently used entry is evicted beyond it. Default 10 000. */
  maxEntries?: number;
  maxValueBytes?: number;
  /** Injectable clock (ms) so TTL behaviour can be tested without sleeping. */
  now?: () => number;
}

interface Entry {
  value: string;
  expiresAt: number | null;
}

/**
 * In-process cache for embedded mode and tests. A Map keeps insertion order, so re-inserting on
 * access makes its first key the least recently used: O(1) LRU without a linked list. Expired
 * entries are dropped lazily on access and while evicting.
 */
export class MemoryCacheStore extends CacheStore {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly maxValueBytes: number;
  private readonly now: () => number;
  private evictions = 0;

  constructor(opts: MemoryCacheOptions = {}) {
    super();
    this.maxEntries = opts.maxEntries ?? 10_000;
    if (!Number.isSafeInteger(this.maxEntries) || this.maxEntries < 1) throw new CacheInputError('maxEntries must be a positive integer');
    this.maxValueBytes = opts.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    this.now = opts.now ?? Date.now;
  }

  async get(key: string): Promise<string | null> {
    return this.read(assertKey(key))?.value ?? null;
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    assertKey(key);
    const ttl = assertTtl(ttlSeconds);
    this.write(key, { value: assertValue(value, this.maxValueBytes), expiresAt: ttl === undefined ? null : this.now() + ttl * 1000 });
  }

  async del(key: string): Promise<void> {
    this.entries.delete(assertKey(key));
  }

  async incr(key: string, ttlSeconds?: number): Promise<number> {
    assertKey(key);
    const ttl = assertTtl(ttlSeconds);
    const current = this.read(key);
    let next = 1;
    if (current) {
      if (!/^-?\d+$/.test(current.value)) throw new CacheInputError(`Value at ${key} is not an integer`);
      next = Number(current.value) + 1;
      if (!Number.isSafeInteger(next)) throw new CacheInputError(`Value at ${key} would overflow`);
    }
    const expiresAt = current?.expiresAt ?? (ttl === undefined ? null : this.now() + ttl * 1000);
    this.write(key, { value: String(next), expiresAt });
    return next;
  }

  async healthCheck(): Promise<ComponentHealth> {
    return { status: 'ok', metrics: { driver: 'memory', entries: this.entries.size, max_entries: this.maxEntries, evictions: this.evictions } };
  }

  get size(): number {
    return this.entries.size;
  }

  private read(key: string): Entry | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt !== null && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return null;
    }
    this.entries.delete(key); // move to most-recently-used position
    this.entries.set(key, entry);
    return entry;
  }

  private write(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.evictions += 1;
    }
  }
}
