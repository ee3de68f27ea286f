export { CacheInputError, CacheStore, MAX_KEY_LENGTH } from './cache-store';
export { MemoryCacheStore } from './memory-cache-store';
export type { MemoryCacheOptions } from './memory-cache-store';
export { RedisCacheStore } from './redis-cache-store';
export type { RedisCacheOptions } from './redis-cache-store';
export { CacheModule, createCacheStore } from './cache.module';
export { CacheHealthIndicator } from './cache.health-indicator';
