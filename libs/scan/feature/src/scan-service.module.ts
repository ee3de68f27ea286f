import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DATA_SOURCE } from '@modelguard/persistence';
import { ServicePlatformModule } from '@modelguard/runtime';
import { type AppConfig, APP_CONFIG } from '@modelguard/config';
import { defaultScanOptions } from '@modelguard/scanner';
import { BlobStore, createBlobStore, S3BlobStore } from '@modelguard/storage';
import type { DataSource } from 'typeorm';
import { ScanEventsHandler } from './handlers/scan-events.handler';
import { ScanReportController } from './http/scan-report.controller';
import { SCAN_MIGRATIONS } from './persistence/create-scan-tables.migration';
import { ScanCacheStore } from './persistence/scan-cache.store';
import { createLibraryScanEngine } from './scanning/library-scan-engine';
import { PackageScanner } from './scanning/package-scanner';
import { FILE_SCAN_ENGINE, type FileScanEngine } from './scanning/scan-engine.port';
import { ScanJobProcessor } from './worker/scan-job.processor';
import { SCAN_SETTINGS, type ScanSettings } from './worker/scan-settings';
import { ScanWorker } from './worker/scan-worker.service';

export interface ScanServiceOptions {
  settings: ScanSettings;
  /** Postgres schema; `scan` in production, a throw-away name in tests. */
  schema?: string;
  /** Replaces the @modelguard/scanner engine (tests that need a deterministic or failing engine). */
  engine?: FileScanEngine;
  relayPollMs?: number;
  retry?: { attempts: number; initialDelayMs: number };
}

/**
 * The whole scan service as one module: platform (own schema, outbox/inbox, health), blob storage, the
 * PackageStored/RegistryReset handlers, the worker loop and the internal report endpoint.
 */
/**
 * Releases what this module created itself, after the worker loop has drained (onModuleDestroy runs first):
 * the scanner's worker threads and the S3 client's sockets.
 */
@Injectable()
class ScanResourcesCloser implements OnApplicationShutdown {
  constructor(
    @Inject(FILE_SCAN_ENGINE) private readonly engine: FileScanEngine & { close?: () => Promise<void> },
    @Inject(BlobStore) private readonly blobs: BlobStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.engine.close?.();
    if (this.blobs instanceof S3BlobStore) this.blobs.destroy();
  }
}

@Module({})
export class ScanServiceModule {
  static forService(options: ScanServiceOptions): DynamicModule {
    return {
      module: ScanServiceModule,
      imports: [
        ServicePlatformModule.forService({
          service: 'scan',
          schema: options.schema ?? 'scan',
          entities: [],
          migrations: SCAN_MIGRATIONS,
          relayPollMs: options.relayPollMs,
          retry: options.retry,
        }),
      ],
      controllers: [ScanReportController],
      providers: [
        { provide: SCAN_SETTINGS, useValue: options.settings },
        // StorageModule.forRoot needs the config before bootstrap has loaded it; build the store from APP_CONFIG.
        { provide: BlobStore, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createBlobStore(config.storage) },
        {
          provide: FILE_SCAN_ENGINE,
          // One scanner worker thread per concurrent job: SCAN_CONCURRENCY bounds CPU use end to end.
          useFactory: () => options.engine ?? createLibraryScanEngine(defaultScanOptions({ concurrency: options.settings.concurrency })),
        },
        ScanResourcesCloser,
        {
          provide: PackageScanner,
          inject: [BlobStore, FILE_SCAN_ENGINE, DATA_SOURCE, SCAN_SETTINGS],
          useFactory: (blobs: BlobStore, engine: FileScanEngine, dataSource: DataSource, settings: ScanSettings) =>
            new PackageScanner(blobs, engine, new ScanCacheStore(dataSource.manager), {
              spoolMaxBytes: settings.spoolMaxBytes,
              blobAttempts: settings.blobAttempts,
              blobRetryDelayMs: settings.blobRetryDelayMs,
            }),
        },
        ScanJobProcessor,
        ScanWorker,
        ScanEventsHandler,
      ],
      exports: [ScanWorker, SCAN_SETTINGS],
    };
  }
}
