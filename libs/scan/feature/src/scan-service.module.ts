import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, loadServiceSection } from '@modelguard/config';
import { DATA_SOURCE } from '@modelguard/persistence';
import { ServicePlatformModule } from '@modelguard/runtime';
import { defaultScanOptions } from '@modelguard/scanner';
import { BlobStore } from '@modelguard/storage';
import type { DataSource } from 'typeorm';
import { ScanEventsHandler } from './handlers/scan-events.handler';
import { ScannerPolicyHandler } from './handlers/scanner-policy.handler';
import { ScanReportController } from './http/scan-report.controller';
import { SCAN_MIGRATIONS } from './persistence/create-scan-tables.migration';
import { ScanCacheStore } from './persistence/scan-cache.store';
import { createLibraryScanEngine } from './scanning/library-scan-engine';
import { PackageScanner } from './scanning/package-scanner';
import { FILE_SCAN_ENGINE, type FileScanEngine } from './scanning/scan-engine.port';
import { ScanJobProcessor } from './worker/scan-job.processor';
import { SCAN_SETTINGS, type ScanSettings, scanSettingsFrom } from './worker/scan-settings';
import { ScanWorker } from './worker/scan-worker.service';

export interface ScanServiceOptions {
  /** Worker tuning; omitted, it comes from the config's SCAN_* section (`config.scan`, defaults when absent). */
  settings?: ScanSettings;
  /** Postgres schema; `scan` in production, a throw-away name in tests. */
  schema?: string;
  /** Replaces the @modelguard/scanner engine (tests that need a deterministic or failing engine). */
  engine?: FileScanEngine;
  relayPollMs?: number;
  retry?: { attempts: number; initialDelayMs: number };
}

/**
 * Releases the scanner's worker threads after the worker loop has drained (onModuleDestroy runs first).
 * The blob store belongs to StorageModule, which closes it.
 */
@Injectable()
class ScanResourcesCloser implements OnApplicationShutdown {
  constructor(@Inject(FILE_SCAN_ENGINE) private readonly engine: FileScanEngine & { close?: () => Promise<void> }) {}

  async onApplicationShutdown(): Promise<void> {
    await this.engine.close?.();
  }
}

/**
 * The whole scan service as one module: platform (own schema, outbox/inbox, health), blob storage, the
 * PackageStored/PackageUploaded/RegistryReset/ScannerPolicyChanged handlers, the worker loop and the internal report endpoint.
 */
@Module({})
export class ScanServiceModule {
  static forService(options: ScanServiceOptions = {}): DynamicModule {
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
          storage: true,
        }),
      ],
      controllers: [ScanReportController],
      providers: [
        {
          provide: SCAN_SETTINGS,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => options.settings ?? scanSettingsFrom(config.scan ?? loadServiceSection('scan', {})),
        },
        {
          provide: FILE_SCAN_ENGINE,
          inject: [SCAN_SETTINGS],
          // One scanner worker thread per concurrent job: SCAN_CONCURRENCY bounds CPU use end to end.
          useFactory: (settings: ScanSettings) => options.engine ?? createLibraryScanEngine(defaultScanOptions(), { concurrency: settings.concurrency }),
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
        ScannerPolicyHandler,
      ],
      exports: [ScanWorker, SCAN_SETTINGS],
    };
  }
}
