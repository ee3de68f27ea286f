import { Inject, Injectable } from '@nestjs/common';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import {
  type ArtifactDeletedV1,
  type Envelope,
  matchKeysOf,
  type PackageStoredV1,
  type PackageStoredV2,
  type PackageUploadedV1,
  type PackageUploadedV2,
  type RegistryResetV1,
  Topic,
} from '@modelguard/contracts';
import { type EventContext, OnEvent } from '@modelguard/messaging';
import { BlobStore, packageContentOf } from '@modelguard/storage';
import { LineageParentStore } from '../persistence/lineage-parent.store';
import { ModelRatingStore } from '../persistence/model-rating.store';
import { RatingJobStore } from '../persistence/rating-job.store';
import { ScoredArtifactStore } from '../persistence/scored-artifact.store';
import { RatingWorker } from '../worker/rating-worker.service';
import { SCORING_SETTINGS, type ScoringSettings } from '../worker/scoring-settings';

/**
 * Consumes the events scoring reacts to. Handlers run inside the inbox transaction (which deduplicates
 * deliveries) and only record: every stored version goes into scoring's own artifact record (a model's code and
 * dataset are found there), and a model version also gets a rating job that the RatingWorker runs afterwards.
 */
@Injectable()
export class ScoringEventsHandler {
  private readonly logger: Logger;
  private readonly artifacts = new ScoredArtifactStore();
  private readonly jobs = new RatingJobStore();
  private readonly ratings = new ModelRatingStore();
  private readonly lineage = new LineageParentStore();

  constructor(
    @Inject(RatingWorker) private readonly worker: RatingWorker,
    @Inject(SCORING_SETTINGS) private readonly settings: ScoringSettings,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(BlobStore) private readonly blobs: BlobStore,
  ) {
    this.logger = logger.child({ context: 'ScoringEventsHandler' });
  }

  /** A package fetched from upstream by ingest (Hugging Face, GitHub, metadata-only); v2: manifest and README claimed. */
  @OnEvent(Topic.PackageStoredV2)
  async onPackageStoredV2(event: Envelope<PackageStoredV2>, ctx: EventContext): Promise<void> {
    await this.record(event, event.payload.source, ctx);
  }

  /** A package uploaded to the gateway: rated exactly like a fetched one. */
  @OnEvent(Topic.PackageUploadedV2)
  async onPackageUploadedV2(event: Envelope<PackageUploadedV2>, ctx: EventContext): Promise<void> {
    await this.record(event, 'upload', ctx);
  }

  /** v1 (superseded, content inline): still handled so events published before the upgrade are rated. */
  @OnEvent(Topic.PackageStored)
  async onPackageStored(event: Envelope<PackageStoredV1>, ctx: EventContext): Promise<void> {
    await this.record(event, event.payload.source, ctx);
  }

  @OnEvent(Topic.PackageUploaded)
  async onPackageUploaded(event: Envelope<PackageUploadedV1>, ctx: EventContext): Promise<void> {
    await this.record(event, 'upload', ctx);
  }

  private async record(event: Envelope<PackageStoredV1 | PackageUploadedV1 | PackageStoredV2 | PackageUploadedV2>, source: string, ctx: EventContext): Promise<void> {
    const p = event.payload;
    const { files, metadata } = await packageContentOf(this.blobs, p);
    const linkable = { type: p.artifactType, name: p.name, url: p.url, metadata };
    await this.artifacts.record(ctx.manager, {
      artifactId: p.artifactId,
      version: p.version,
      type: p.artifactType,
      name: p.name,
      url: p.url,
      source,
      files,
      metadata,
      totalBytes: p.totalBytes,
      matchKeys: matchKeysOf(linkable),
    });
    if (p.artifactType !== 'model') return;
    const created = await this.jobs.enqueue(
      ctx.manager,
      { artifactId: p.artifactId, version: p.version, causationId: event.eventId, correlationId: event.correlationId },
      this.settings.workerId,
      this.settings.leaseMs,
    );
    if (!created) {
      this.logger.info(`rating of ${p.artifactId}@${p.version} already recorded; ignoring event ${event.eventId}`);
      return;
    }
    // Wake the loop shortly after the inbox transaction commits (the row is invisible before that).
    setTimeout(() => this.worker.notify(), 20).unref();
  }

  /** A deleted artifact is never linked or rated again. */
  @OnEvent(Topic.ArtifactDeleted)
  async onArtifactDeleted(event: Envelope<ArtifactDeletedV1>, ctx: EventContext): Promise<void> {
    const id = event.payload.artifactId;
    await this.jobs.deleteArtifact(ctx.manager, id);
    await this.ratings.deleteArtifact(ctx.manager, id);
    await this.artifacts.deleteArtifact(ctx.manager, id);
    await this.lineage.deleteArtifact(ctx.manager, id);
  }

  /** The registry is empty again: scoring's whole read state goes with it. */
  @OnEvent(Topic.RegistryReset)
  async onRegistryReset(_event: Envelope<RegistryResetV1>, ctx: EventContext): Promise<void> {
    await this.jobs.deleteAll(ctx.manager);
    await this.ratings.deleteAll(ctx.manager);
    await this.artifacts.deleteAll(ctx.manager);
    await this.lineage.deleteAll(ctx.manager);
  }
}
