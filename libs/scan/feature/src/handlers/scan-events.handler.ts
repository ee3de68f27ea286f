import { Inject, Injectable } from '@nestjs/common';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { type Envelope, type PackageStoredV1, type PackageStoredV2, type PackageUploadedV1, type PackageUploadedV2, type RegistryResetV1, Topic } from '@modelguard/contracts';
import { type EventContext, OnEvent } from '@modelguard/messaging';
import { BlobStore, packageContentOf } from '@modelguard/storage';
import { ScanCacheStore } from '../persistence/scan-cache.store';
import { ScanJobStore } from '../persistence/scan-job.store';
import { ScanReportStore } from '../persistence/scan-report.store';
import { SCAN_SETTINGS, type ScanSettings } from '../worker/scan-settings';
import { ScanWorker } from '../worker/scan-worker.service';

/**
 * Consumes the events the scan service reacts to. Handlers only record work (they run inside the inbox
 * transaction, which must stay short): the scan itself happens in the ScanWorker loop.
 */
@Injectable()
export class ScanEventsHandler {
  private readonly logger: Logger;
  private readonly jobs = new ScanJobStore();
  private readonly reports = new ScanReportStore();

  constructor(
    @Inject(ScanWorker) private readonly worker: ScanWorker,
    @Inject(SCAN_SETTINGS) private readonly settings: ScanSettings,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(BlobStore) private readonly blobs: BlobStore,
  ) {
    this.logger = logger.child({ context: 'ScanEventsHandler' });
  }

  /** A package fetched from upstream by ingest (v2: its manifest is a blob claim, fetched and verified). */
  @OnEvent(Topic.PackageStoredV2)
  async onPackageStoredV2(event: Envelope<PackageStoredV2>, ctx: EventContext): Promise<void> {
    await this.recordScan(event, ctx);
  }

  /** A package uploaded to the gateway: scanned exactly like a fetched one. */
  @OnEvent(Topic.PackageUploadedV2)
  async onPackageUploadedV2(event: Envelope<PackageUploadedV2>, ctx: EventContext): Promise<void> {
    await this.recordScan(event, ctx);
  }

  /** v1 (superseded, manifest inline): still handled so events published before the upgrade are scanned. */
  @OnEvent(Topic.PackageStored)
  async onPackageStored(event: Envelope<PackageStoredV1>, ctx: EventContext): Promise<void> {
    await this.recordScan(event, ctx);
  }

  @OnEvent(Topic.PackageUploaded)
  async onPackageUploaded(event: Envelope<PackageUploadedV1>, ctx: EventContext): Promise<void> {
    await this.recordScan(event, ctx);
  }

  /**
   * One job per artifact version, owned by this instance: this instance holds the event's partition, so
   * the work stays where Kafka put it. A redelivery with a new event id for the same version is a no-op.
   */
  private async recordScan(event: Envelope<PackageStoredV1 | PackageUploadedV1 | PackageStoredV2 | PackageUploadedV2>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    const { files } = await packageContentOf(this.blobs, p);
    const created = await this.jobs.enqueue(
      ctx.manager,
      {
        artifactId: p.artifactId,
        artifactType: p.artifactType,
        name: p.name,
        version: p.version,
        files,
        causationId: event.eventId,
        correlationId: event.correlationId,
      },
      this.settings.workerId,
      this.settings.leaseMs,
    );
    if (!created) {
      this.logger.info(`scan of ${p.artifactId}@${p.version} already recorded; ignoring event ${event.eventId}`);
      return;
    }
    // Wake the loop shortly after the inbox transaction commits (the row is invisible before that).
    setTimeout(() => this.worker.notify(), 20).unref();
  }

  /** The registry is empty again: jobs, reports and the per-blob cache go with it. */
  @OnEvent(Topic.RegistryReset)
  async onRegistryReset(_event: Envelope<RegistryResetV1>, ctx: EventContext): Promise<void> {
    await this.jobs.deleteAll(ctx.manager);
    await this.reports.deleteAll(ctx.manager);
    await new ScanCacheStore(ctx.manager).deleteAll();
  }
}
