import { Topic, type ArtifactUpdatedV1, type Envelope, type SensitivityChangedV1 } from '@modelguard/contracts';
import { OnEvent, type EventContext } from '@modelguard/messaging';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { Inject, Injectable } from '@nestjs/common';
import { SensitiveModelEntity } from '../persistence/sensitive-model.entity';
import { GATEWAY_BLOB_STORE, type GatewayBlobStore } from '../ports/blob-store.port';
import { sealsOnDemand } from './seal-job.processor';
import { SealJobStore } from './seal-job.store';
import { SEAL_SETTINGS, type SealSettings } from './seal-settings';
import { SealWorker } from './seal-worker.service';

/**
 * STORAGE_ENCRYPTION=sensitive: a model's blobs are sealed in place (same content address) when it is marked
 * sensitive (all its versions) and when a sensitive model gets a new version. Sealing a large model takes minutes, so
 * these handlers only record a seal job in their inbox transaction (nothing is lost if the process dies after the
 * commit, and the partition is not held up); the SealWorker seals outside any transaction (seal-job.processor.ts).
 * A second request while a job is queued adds nothing (seal-job.store.ts).
 */
@Injectable()
export class SensitiveBlobSealer {
  private readonly logger: Logger;
  private readonly jobs = new SealJobStore();

  constructor(
    @Inject(GATEWAY_BLOB_STORE) private readonly blobs: GatewayBlobStore,
    @Inject(SEAL_SETTINGS) private readonly settings: SealSettings,
    @Inject(SealWorker) private readonly worker: SealWorker,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'SensitiveBlobSealer' });
  }

  @OnEvent(Topic.SensitivityChanged)
  async onSensitivityChanged(event: Envelope<SensitivityChangedV1>, ctx: EventContext): Promise<void> {
    // Unmarking leaves blobs sealed: decrypting them again would only widen what a stolen disk reveals.
    if (event.payload.change === 'marked') await this.requestSealing(ctx, event.payload.artifactId, event.eventId);
  }

  @OnEvent(Topic.ArtifactUpdated)
  async onArtifactUpdated(event: Envelope<ArtifactUpdatedV1>, ctx: EventContext): Promise<void> {
    const sensitive = await ctx.manager.getRepository(SensitiveModelEntity).existsBy({ artifactId: event.payload.artifactId });
    if (sensitive) await this.requestSealing(ctx, event.payload.artifactId, event.eventId);
  }

  private async requestSealing(ctx: EventContext, artifactId: string, eventId: string): Promise<void> {
    if (!sealsOnDemand(this.blobs)) return;
    if (!(await this.jobs.request(ctx.manager, artifactId, this.settings.workerId, this.settings.leaseMs))) {
      this.logger.info(`sealing of ${artifactId} already queued; event ${eventId} adds nothing`);
      return;
    }
    // Wake the loop shortly after the inbox transaction commits (the row is invisible before that).
    setTimeout(() => this.worker.notify(), 20).unref();
  }
}
