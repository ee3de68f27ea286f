import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type CacheConfig } from '@modelguard/config';
import { provideHealthIndicator } from '@modelguard/observability';
import { CacheStore } from './cache-store';
import { CacheHealthIndicator } from './cache.health-indicator';
import { MemoryCacheStore } from './memory-cache-store';
import { RedisCacheStore } from './redis-cache-store';

/** Picks the implementation for a cache config (also usable outside Nest). */
export function createCacheStore(config: CacheConfig): CacheStore {
  switch (config.driver) {
    case 'memory':
      return new MemoryCacheStore();
    case 'redis':
      return new RedisCacheStore({ url: config.url, keyPrefix: config.keyPrefix });
  }
}

/**
 * Provides `CacheStore` globally and registers its health indicator ('redis' or 'cache').
 * Pass the AppConfig (only `.cache` is read).
 */
@Module({})
export class CacheModule implements OnApplicationShutdown {
  constructor(@Inject(CacheStore) private readonly store: CacheStore) {}

  static forRoot(config: { cache: CacheConfig }): DynamicModule {
    const id = config.cache.driver === 'redis' ? 'redis' : 'cache';
    return {
      module: CacheModule,
      global: true,
      providers: [
        { provide: CacheStore, useFactory: () => createCacheStore(config.cache) },
        provideHealthIndicator({ useFactory: (store: CacheStore) => new CacheHealthIndicator(id, store), inject: [CacheStore] }),
      ],
      exports: [CacheStore],
    };
  }

  /** Same as forRoot, reading `.cache` from the AppConfig that bootstrapService provides (APP_CONFIG). */
  static forApp(): DynamicModule {
    return {
      module: CacheModule,
      global: true,
      providers: [
        { provide: CacheStore, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createCacheStore(config.cache) },
        {
          provide: CacheHealthIndicator,
          inject: [APP_CONFIG, CacheStore],
          useFactory: (config: AppConfig, store: CacheStore) =>
            new CacheHealthIndicator(config.cache.driver === 'redis' ? 'redis' : 'cache', store),
        },
        provideHealthIndicator({ useFactory: (indicator: CacheHealthIndicator) => indicator, inject: [CacheHealthIndicator] }),
      ],
      exports: [CacheStore],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.store instanceof RedisCacheStore) await this.store.close();
  }
}
