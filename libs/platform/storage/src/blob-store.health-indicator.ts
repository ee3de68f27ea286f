import type { ComponentHealth, HealthIndicator } from '@modelguard/observability';
import type { BlobStore } from './blob-store';

/** Exposes the configured BlobStore as the 'object-storage' health component. */
export class BlobStoreHealthIndicator implements HealthIndicator {
  readonly id = 'object-storage';
  readonly displayName = 'Object storage';
  readonly description = 'Content-addressed storage for model packages and extracted files.';

  constructor(private readonly store: BlobStore) {}

  check(): Promise<ComponentHealth> {
    return this.store.healthCheck();
  }
}
