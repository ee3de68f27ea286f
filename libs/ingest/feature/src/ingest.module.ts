import { type DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, loadServiceSection } from '@modelguard/config';
import { ServicePlatformModule } from '@modelguard/runtime';
import { BlobStore, createBlobStore } from '@modelguard/storage';
import type { Resolver } from '@modelguard/egress';
import { IngestRequestedHandler } from './handlers/ingest-requested.handler';
import { buildIngestDeps } from './ingest-deps.factory';
import { INGEST_DEPS } from './ingest.tokens';
import { IngestionEntity } from './persistence/ingestion.entity';
import { Ingestion1764310000000 } from './persistence/1764310000000-ingestion.migration';
import { IngestionJob1764310000001 } from './persistence/1764310000001-ingestion-job.migration';
import { IngestJobProcessor } from './worker/ingest-job.processor';
import { INGEST_SETTINGS, type IngestSettingsInput, ingestSettingsFrom, resolveIngestSettings } from './worker/ingest-settings';
import { IngestWorker } from './worker/ingest-worker.service';

export interface IngestModuleOptions {
  /** Consumer group and producer name (default 'ingest'). */
  service?: string;
  /** Postgres schema (default 'ingest'); tests use a unique one. */
  schema?: string;
  relayPollMs?: number;
  /** Overrides config.messaging.retry (and, unless settings say otherwise, the download attempts/back-off). */
  retry?: { attempts: number; initialDelayMs: number };
  /** Worker tuning; omitted, it comes from the config's INGEST_* section (`config.ingest`, defaults when absent). */
  settings?: IngestSettingsInput;
  /** Use this store instead of building one from config.storage (embedded mode shares the gateway's). */
  blobStore?: BlobStore;
  /** DNS resolver for the egress guard (tests simulate hostile DNS). */
  resolver?: Resolver;
  /** Where zipballs are spooled (default `<dataDir>/ingest-tmp`). */
  tmpDir?: string;
}

/**
 * The ingest service: consumes IngestRequested into a job, a worker loop mirrors the upstream into the blob
 * store outside any handler transaction and publishes the outcome.
 */
@Module({})
export class IngestModule {
  static forService(opts: IngestModuleOptions = {}): DynamicModule {
    const service = opts.service ?? 'ingest';
    return {
      module: IngestModule,
      imports: [
        ServicePlatformModule.forService({
          service,
          schema: opts.schema ?? 'ingest',
          entities: [IngestionEntity],
          migrations: [Ingestion1764310000000, IngestionJob1764310000001],
          relayPollMs: opts.relayPollMs,
          retry: opts.retry,
        }),
      ],
      providers: [
        // StorageModule.forRoot needs the config before bootstrap has loaded it; build the store from APP_CONFIG.
        { provide: BlobStore, inject: [APP_CONFIG], useFactory: (config: AppConfig) => opts.blobStore ?? createBlobStore(config.storage) },
        {
          provide: INGEST_DEPS,
          inject: [APP_CONFIG, BlobStore],
          useFactory: (config: AppConfig, blobs: BlobStore) => buildIngestDeps(config, blobs, { resolver: opts.resolver, tmpDir: opts.tmpDir }),
        },
        {
          provide: INGEST_SETTINGS,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) =>
            resolveIngestSettings(opts.settings ?? ingestSettingsFrom(config.ingest ?? loadServiceSection('ingest', {})), opts.retry ?? config.messaging.retry),
        },
        IngestJobProcessor,
        IngestWorker,
        IngestRequestedHandler,
      ],
      exports: [IngestWorker, INGEST_SETTINGS],
    };
  }
}
