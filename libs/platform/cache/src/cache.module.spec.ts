import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthModule } from '@modelguard/observability';
import { describe, expect, it } from 'vitest';
import { CacheStore } from './cache-store';
import { CacheModule } from './cache.module';
import { MemoryCacheStore } from './memory-cache-store';

describe('CacheModule (memory driver)', () => {
  it('provides a MemoryCacheStore and the "cache" health component', async () => {
    @Module({ imports: [CacheModule.forRoot({ cache: { driver: 'memory' } }), HealthModule.forRoot({ sampleIntervalMs: 0 })] })
    class AppModule {}
    const app = await NestFactory.create(AppModule, { logger: false });
    try {
      await app.listen(0, '127.0.0.1');
      const cache = app.get(CacheStore);
      expect(cache).toBeInstanceOf(MemoryCacheStore);
      await cache.set('k', 'v');
      const body = (await (await fetch(`${await app.getUrl()}/health/components`)).json()) as { components: { id: string; metrics: Record<string, unknown> }[] };
      expect(body.components.find((c) => c.id === 'cache')?.metrics).toMatchObject({ driver: 'memory', entries: 1 });
    } finally {
      await app.close();
    }
  });
});
