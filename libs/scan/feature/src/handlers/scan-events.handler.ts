import { Inject, Injectable } from '@nestjs/common';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { type Envelope, type PackageStoredV1, type PackageUploadedV1, type RegistryResetV1, Topic } from '@modelguard/contracts';
import { type EventContext, OnEvent } from '@modelguard/messaging';
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
  ) {
    this.logger = logger.child({ context: 'ScanEventsHandler' });
  }

  /** A package fetched from upstream by ingest. */
  @OnEvent(Topic.PackageStored)
  async onPackageStored(event: Envelope<PackageStoredV1>, ctx: EventContext): Promise<void> {
    await this.recordScan(event, ctx);
  }

  /** A package uploaded to the gateway: scanned exactly like a fetched one. */
  @OnEvent(Topic.PackageUploaded)
  async onPackageUploaded(event: Envelope<PackageUploadedV1>, ctx: EventContext): Promise<void> {
    await this.recordScan(event, ctx);
  }

  /**
   * One job per artifact version, owned by this instance: this instance holds the event's partition, so
   * the work stays where Kafka put it. A redelivery with a new event id for the same version is a no-op.
   */
  private async recordScan(event: Envelope<PackageStoredV1 | PackageUploadedV1>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    const created = await this.jobs.enqueue(
      ctx.manager,
      {
        artifactId: p.artifactId,
        artifactType: p.artifactType,
        name: p.name,
        version: p.version,
        files: p.files,
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
