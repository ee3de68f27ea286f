import { type DynamicModule, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type StorageConfig } from '@modelguard/config';
import { provideHealthIndicator } from '@modelguard/observability';
import { BlobStore } from './blob-store';
import { BlobStoreHealthIndicator } from './blob-store.health-indicator';
import { createBlobStore } from './create-blob-store';
import { S3BlobStore } from './s3-blob-store';
import { PostgresBlobStore } from './postgres/pg-blob-store';
import { EncryptedBlobStore } from './encryption/encrypted-blob-store';
import { SelectiveEncryptionBlobStore } from './encryption/selective-blob-store';

/**
 * Provides `BlobStore` (fs, S3 or postgres by config) globally and registers the 'object-storage' health
 * indicator. Pass the AppConfig (only `.storage` is read).
 */
const TEMP_MAX_AGE_MS = 24 * 60 * 60 * 1000;

@Module({})
export class StorageModule implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(BlobStore) private readonly store: BlobStore) {}

  static forRoot(config: { storage: StorageConfig }): DynamicModule {
    return {
      module: StorageModule,
      global: true,
      providers: [
        { provide: BlobStore, useFactory: () => createBlobStore(config.storage) },
        provideHealthIndicator({ useFactory: (store: BlobStore) => new BlobStoreHealthIndicator(store), inject: [BlobStore] }),
      ],
      exports: [BlobStore],
    };
  }

  /** Same as forRoot, reading `.storage` from the AppConfig that bootstrapService provides (APP_CONFIG). */
  static forApp(): DynamicModule {
    return {
      module: StorageModule,
      global: true,
      providers: [
        { provide: BlobStore, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createBlobStore(config.storage) },
        provideHealthIndicator({ useFactory: (store: BlobStore) => new BlobStoreHealthIndicator(store), inject: [BlobStore] }),
      ],
      exports: [BlobStore],
    };
  }

  async onModuleInit(): Promise<void> {
    // Fail at boot rather than on the first upload if the bucket cannot be reached or created.
    if (this.driver instanceof S3BlobStore) await this.driver.ensureBucket();
    if (this.driver instanceof PostgresBlobStore) await this.driver.ensureSchema();
    // Leftovers of uploads interrupted by a crash. A day is far longer than any live upload, so a
    // concurrently running instance's in-progress upload is never touched.
    await this.store.sweepTemp(TEMP_MAX_AGE_MS).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.driver instanceof S3BlobStore) this.driver.destroy();
    if (this.driver instanceof PostgresBlobStore) await this.driver.destroy();
  }

  /** The underlying driver, beneath the encrypting decorator when encryption is on. */
  private get driver(): BlobStore {
    if (this.store instanceof SelectiveEncryptionBlobStore) return this.store.sealed.inner;
    return this.store instanceof EncryptedBlobStore ? this.store.inner : this.store;
  }
}
