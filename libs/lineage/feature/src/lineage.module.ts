import { type DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@modelguard/runtime';
import { BlobStore } from '@modelguard/storage';
import { PackageFilesReader } from './declarations/package-files.reader';
import { LineageGraphService } from './graph/lineage-graph.service';
import { LineageEventsHandler } from './handlers/lineage-events.handler';
import { LineageQueryController } from './http/lineage-query.controller';
import { LINEAGE_MIGRATIONS } from './persistence/create-lineage-tables.migration';

export interface LineageModuleOptions {
  service?: string;
  /** Postgres schema; `lineage` in production, a throw-away name in tests. */
  schema?: string;
  relayPollMs?: number;
  retry?: { attempts: number; initialDelayMs: number };
}

/**
 * The lineage service: platform (own schema, outbox/inbox, health), blob storage (uploaded packages carry no
 * metadata, so their config.json and card are read from the stored files), the handlers that keep the graph
 * (PackageStored, PackageUploaded, ArtifactDeleted, RegistryReset) and publish LineageChanged, and the internal
 * ArtifactLineage and ArtifactCost queries. The rules are in README.md.
 */
@Module({})
export class LineageModule {
  static forService(opts: LineageModuleOptions = {}): DynamicModule {
    return {
      module: LineageModule,
      imports: [
        ServicePlatformModule.forService({
          service: opts.service ?? 'lineage',
          schema: opts.schema ?? 'lineage',
          entities: [],
          migrations: LINEAGE_MIGRATIONS,
          relayPollMs: opts.relayPollMs,
          retry: opts.retry,
          storage: true,
        }),
      ],
      controllers: [LineageQueryController],
      providers: [
        { provide: PackageFilesReader, inject: [BlobStore], useFactory: (blobs: BlobStore) => new PackageFilesReader(blobs) },
        LineageGraphService,
        LineageEventsHandler,
      ],
    };
  }
}
