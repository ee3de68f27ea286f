import { RedisCacheStore } from '@modelguard/cache';
import { createLogger } from '@modelguard/observability';
import { testInfra, uniqueSuffix } from '@modelguard/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { HF_MISS_TTL_SECONDS, HfMissCache } from './hf-miss-cache';

/**
 * The mirror's negative cache on real Redis (what a distributed gateway binds): a miss is shared by every spelling
 * of the id, kept per kind, expires after HF_MISS_TTL_SECONDS, and a Redis that cannot be reached only costs the
 * shortcut (a lookup goes upstream as before), never an error. The mirror's use of it is shown end to end in
 * tests/e2e/hf-mirror-pending.e2e-spec.ts.
 */
describe('HfMissCache on Redis', () => {
  const prefix = `test:hf-miss:${uniqueSuffix()}:`;
  const redis = new RedisCacheStore({ url: testInfra.redisUrl, keyPrefix: prefix });
  const lines: string[] = [];
  const logger = createLogger('gateway', { level: 'warn', sink: { write: (line: string) => lines.push(line) } });

  afterAll(async () => {
    const keys = await redis.client.keys(`${prefix}*`);
    // ioredis prefixes command arguments, not the names KEYS returns: strip it before deleting.
    for (const key of keys) await redis.client.del(key.slice(prefix.length));
    await redis.close();
  });

  it('remembers a missing repo for every spelling, per kind, with a short TTL', async () => {
    const cache = new HfMissCache(redis, logger);
    expect(await cache.isMissing('model', 'Nobody/No-Such-Model')).toBe(false);
    await cache.rememberMissing('model', 'Nobody/No-Such-Model');
    expect(await cache.isMissing('model', 'nobody/no-such-model')).toBe(true);
    expect(await cache.isMissing('model', 'NOBODY/NO-SUCH-MODEL')).toBe(true);
    expect(await cache.isMissing('dataset', 'nobody/no-such-model')).toBe(false);
    const ttl = await redis.client.ttl('gateway:hf-miss:model:nobody/no-such-model');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(HF_MISS_TTL_SECONDS);
  });

  it('treats an unreachable Redis as a miss and logs it, without failing the request', async () => {
    const down = new RedisCacheStore({ url: 'redis://127.0.0.1:1', keyPrefix: prefix, commandTimeoutMs: 200 });
    try {
      const cache = new HfMissCache(down, logger);
      await expect(cache.rememberMissing('model', 'a/b')).resolves.toBeUndefined();
      expect(await cache.isMissing('model', 'a/b')).toBe(false);
      expect(lines.some((l) => l.includes('negative cache unavailable'))).toBe(true);
    } finally {
      await down.close();
    }
  });
});
