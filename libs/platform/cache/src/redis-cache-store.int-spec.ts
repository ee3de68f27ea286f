import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthModule } from '@modelguard/observability';
import { afterAll, describe, expect, it } from 'vitest';
import { CacheStore } from './cache-store';
import { CacheModule } from './cache.module';
import { RedisCacheStore } from './redis-cache-store';
import { describeCacheStoreContract } from '../test/cache-store.contract';

const url = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `mg-test:${process.pid}:${Date.now()}:`;
const store = new RedisCacheStore({ url, keyPrefix: prefix });
const raw = new RedisCacheStore({ url, keyPrefix: '' });

afterAll(async () => {
  // Remove everything this run wrote (SCAN, never KEYS, and only our own prefix).
  let cursor = '0';
  do {
    const [next, keys] = await raw.client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await raw.client.del(...keys);
  } while (cursor !== '0');
  await store.close();
  await raw.close();
});

describeCacheStoreContract('RedisCacheStore', () => store);

describe('RedisCacheStore specifics', () => {
  it('namespaces keys with the deployment prefix', async () => {
    await store.set('isolation', 'mine', 60);
    expect(await raw.client.get(`${prefix}isolation`)).toBe('mine');
    const other = new RedisCacheStore({ url, keyPrefix: `${prefix}other:` });
    try {
      expect(await other.get('isolation')).toBeNull();
    } finally {
      await other.close();
    }
  });

  it('sets a real Redis TTL on incr only once', async () => {
    await store.incr('ttl-once', 100);
    await raw.client.expire(`${prefix}ttl-once`, 50);
    await store.incr('ttl-once', 100);
    const ttl = await raw.client.ttl(`${prefix}ttl-once`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(50);
  });

  it('fails fast, not hangs, when Redis is unreachable', async () => {
    const dead = new RedisCacheStore({ url: 'redis://127.0.0.1:1', keyPrefix: prefix });
    const started = Date.now();
    await expect(dead.get('x')).rejects.toThrow();
    await expect(dead.healthCheck()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(10_000);
    dead.client.disconnect();
  });
});

describe('CacheModule', () => {
  @Injectable()
  class Consumer {
    constructor(readonly cache: CacheStore) {}
  }

  it('provides CacheStore and the redis health component', async () => {
    @Module({ imports: [CacheModule.forRoot({ cache: { driver: 'redis', url, keyPrefix: `${prefix}module:` } }), HealthModule.forRoot({ sampleIntervalMs: 0 })], providers: [Consumer] })
    class AppModule {}
    const app = await NestFactory.create(AppModule, { logger: false });
    try {
      await app.listen(0, '127.0.0.1');
      const cache = app.get(Consumer).cache;
      expect(cache).toBeInstanceOf(RedisCacheStore);
      await cache.set('via-module', 'ok', 60);
      expect(await raw.client.get(`${prefix}module:via-module`)).toBe('ok');
      const body = (await (await fetch(`${await app.getUrl()}/health/components`)).json()) as { components: { id: string; status: string }[] };
      expect(body.components).toContainEqual(expect.objectContaining({ id: 'redis', status: 'ok' }));
    } finally {
      await app.close();
    }
  });
});
