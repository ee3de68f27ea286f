import { Inject, Injectable } from '@nestjs/common';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { type Envelope, type PayloadOf, Topic } from '@modelguard/contracts';
import { type EventContext, OnEvent, Outbox } from '@modelguard/messaging';
import { writePackageClaims } from '@modelguard/storage';
import { INGEST_DEPS } from '../ingest.tokens';
import type { IngestDeps } from '../sources/package-content';
import { IngestJobStore } from '../persistence/ingest-job.store';
import { INGEST_SETTINGS, type IngestSettings } from '../worker/ingest-settings';
import { IngestWorker } from '../worker/ingest-worker.service';

type IngestRequested = PayloadOf<typeof Topic.IngestRequested>;

/** Long enough for the inbox transaction to commit (the job row is invisible before that). */
const WAKE_DELAY_MS = 20;

/**
 * Consumes IngestRequested by recording an ingest job, nothing more: this runs inside the inbox transaction,
 * which must stay short (embedded PGlite serialises all transactions; over Kafka a slow handler triggers
 * rebalances and duplicate deliveries). The download happens in the IngestWorker loop.
 */
@Injectable()
export class IngestRequestedHandler {
  private readonly logger: Logger;
  private readonly jobs = new IngestJobStore();

  constructor(
    private readonly outbox: Outbox,
    @Inject(IngestWorker) private readonly worker: IngestWorker,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(INGEST_DEPS) private readonly deps: IngestDeps,
  ) {
    this.logger = logger.child({ context: 'IngestRequestedHandler' });
  }

  @OnEvent(Topic.IngestRequested)
  async onIngestRequested(event: Envelope<IngestRequested>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    const recorded = await this.jobs.record(
      ctx.manager,
      { artifactId: p.artifactId, artifactType: p.artifactType, name: p.name, version: p.version, url: p.url, causationId: event.eventId, correlationId: event.correlationId },
      this.settings.workerId,
      this.settings.leaseMs,
    );
    switch (recorded.kind) {
      case 'stored':
        // Same artifact version already mirrored: re-announce it (the requester may have missed it), no download.
        await this.outbox.enqueue(ctx.manager, Topic.PackageStoredV2, await this.asV2(recorded.payload), {
          key: p.artifactId,
          causationId: event.eventId,
          correlationId: event.correlationId,
        });
        return;
      case 'in-flight':
        // The job already queued or running will announce the outcome: one download per artifact version.
        this.logger.info(`ingest of ${p.artifactId}@${p.version} already in progress; event ${event.eventId} adds nothing`);
        return;
      case 'queued':
        setTimeout(() => this.worker.notify(), WAKE_DELAY_MS).unref();
        return;
    }
  }

  /** A result recorded before v2 carries its content inline: write its claims so it is re-announced as v2. */
  private async asV2(payload: PayloadOf<typeof Topic.PackageStoredV2> | PayloadOf<typeof Topic.PackageStored>): Promise<PayloadOf<typeof Topic.PackageStoredV2>> {
    if (!('files' in payload)) return payload;
    const { files, metadata, source, ...rest } = payload;
    // Ingest never recorded `upload` (uploads are the gateway's own event); the v2 enum rightly has no such source.
    if (source === 'upload') throw new Error(`ingest result of ${payload.artifactId}@${payload.version} claims source 'upload'`);
    return { ...rest, source, ...(await writePackageClaims(this.deps.blobs, { files, metadata })) };
  }

  /**
   * A reset empties the registry: forget every job and outcome so re-registered artifacts are fetched afresh.
   * Downloads still running lose their row, so their claim check fails and they publish nothing.
   */
  @OnEvent(Topic.RegistryReset)
  async onRegistryReset(_event: Envelope<PayloadOf<typeof Topic.RegistryReset>>, ctx: EventContext): Promise<void> {
    await this.jobs.deleteAll(ctx.manager);
  }
}
