import type { ComponentHealth, HealthIndicator } from '@modelguard/observability';
import type { CacheStore } from './cache-store';

/** 'redis' in distributed mode, 'cache' for the in-process store. */
export class CacheHealthIndicator implements HealthIndicator {
  readonly displayName: string;
  readonly description: string;

  constructor(
    readonly id: 'redis' | 'cache',
    private readonly store: CacheStore,
  ) {
    this.displayName = id === 'redis' ? 'Redis' : 'In-memory cache';
    this.description = 'Shared cache for rate limits, token use counts and memoised lookups.';
  }

  check(): Promise<ComponentHealth> {
    return this.store.healthCheck();
  }
}
