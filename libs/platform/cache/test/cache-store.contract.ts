import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CacheInputError, type CacheStore } from '../src/cache-store';

/** Behaviour every CacheStore must have; run against Redis and the in-memory store alike. */
export function describeCacheStoreContract(name: string, subject: () => CacheStore): void {
  describe(`${name} (CacheStore contract)`, () => {
    let n = 0;
    const key = (label: string) => `contract:${label}:${Date.now()}:${(n += 1)}`;

    it('sets, gets, overwrites and deletes', async () => {
      const cache = subject();
      const k = key('basic');
      expect(await cache.get(k)).toBeNull();
      await cache.set(k, 'one');
      expect(await cache.get(k)).toBe('one');
      await cache.set(k, 'two ✓ unicode');
      expect(await cache.get(k)).toBe('two ✓ unicode');
      await cache.del(k);
      expect(await cache.get(k)).toBeNull();
      await cache.del(k); // idempotent
    });

    it('expires entries after their TTL', async () => {
      const cache = subject();
      const k = key('ttl');
      await cache.set(k, 'v', 1);
      expect(await cache.get(k)).toBe('v');
      await sleep(1100);
      expect(await cache.get(k)).toBeNull();
    });

    it('increments atomically under concurrency', async () => {
      const cache = subject();
      const k = key('incr');
      const results = await Promise.all(Array.from({ length: 50 }, () => cache.incr(k, 60)));
      expect(results.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(await cache.get(k)).toBe('50');
    });

    it('applies the incr TTL once (a fixed window) and rejects incrementing a non-integer', async () => {
      const cache = subject();
      const k = key('window');
      expect(await cache.incr(k, 1)).toBe(1);
      await sleep(600);
      expect(await cache.incr(k, 1)).toBe(2); // must not push the expiry out
      await sleep(600);
      expect(await cache.incr(k, 1)).toBe(1); // the window expired ~1 s after the first hit
      const text = key('text');
      await cache.set(text, 'abc');
      await expect(cache.incr(text)).rejects.toBeInstanceOf(CacheInputError);
    });

    it('round-trips JSON and treats corrupt JSON as a miss', async () => {
      const cache = subject();
      const k = key('json');
      await cache.setJson(k, { a: 1, b: ['x', null], c: { d: true } }, 60);
      expect(await cache.getJson(k)).toEqual({ a: 1, b: ['x', null], c: { d: true } });
      await cache.set(k, '{"broken"');
      expect(await cache.getJson(k)).toBeNull();
      await expect(cache.setJson(k, undefined)).rejects.toBeInstanceOf(CacheInputError);
    });

    it('rejects bad keys, TTLs and oversized values', async () => {
      const cache = subject();
      await expect(cache.get('')).rejects.toBeInstanceOf(CacheInputError);
      await expect(cache.get('k'.repeat(513))).rejects.toBeInstanceOf(CacheInputError);
      await expect(cache.set(key('bad'), 'v', 0)).rejects.toBeInstanceOf(CacheInputError);
      await expect(cache.set(key('bad'), 'v', 1.5)).rejects.toBeInstanceOf(CacheInputError);
      await expect(cache.incr(key('bad'), -1)).rejects.toBeInstanceOf(CacheInputError);
      await expect(cache.set(key('big'), 'x'.repeat(1024 * 1024 + 1))).rejects.toBeInstanceOf(CacheInputError);
    });

    it('is healthy', async () => {
      expect((await subject().healthCheck()).status).toBe('ok');
    });
  });
}
