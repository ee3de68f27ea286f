import { describe, expect, it } from 'vitest';
import { MemoryCacheStore } from './memory-cache-store';
import { describeCacheStoreContract } from '../test/cache-store.contract';

describeCacheStoreContract('MemoryCacheStore', () => new MemoryCacheStore());

describe('MemoryCacheStore specifics', () => {
  it('evicts the least recently used entry beyond maxEntries', async () => {
    const cache = new MemoryCacheStore({ maxEntries: 3 });
    await cache.set('a', '1');
    await cache.set('b', '2');
    await cache.set('c', '3');
    await cache.get('a'); // a becomes most recently used, so b is now the oldest
    await cache.set('d', '4');
    expect(await cache.get('b')).toBeNull();
    expect([await cache.get('a'), await cache.get('c'), await cache.get('d')]).toEqual(['1', '3', '4']);
    expect(cache.size).toBe(3);
    expect((await cache.healthCheck()).metrics).toMatchObject({ entries: 3, evictions: 1 });
  });

  it('honours TTLs against an injected clock', async () => {
    let now = 1_000_000;
    const cache = new MemoryCacheStore({ now: () => now });
    await cache.set('k', 'v', 10);
    now += 9_999;
    expect(await cache.get('k')).toBe('v');
    now += 1;
    expect(await cache.get('k')).toBeNull();
    expect(cache.size).toBe(0); // expired entry dropped, not just hidden
  });

  it('stays bounded under a flood of distinct keys', async () => {
    const cache = new MemoryCacheStore({ maxEntries: 100 });
    for (let i = 0; i < 10_000; i += 1) await cache.set(`flood:${i}`, 'x');
    expect(cache.size).toBe(100);
    expect(await cache.get('flood:9999')).toBe('x');
    expect(await cache.get('flood:0')).toBeNull();
  });
});
