import { Inject, Injectable } from '@nestjs/common';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { type Envelope, type LineageChangedV1, Topic } from '@modelguard/contracts';
import { type EventContext, OnEvent } from '@modelguard/messaging';
import { LineageParentStore } from '../persistence/lineage-parent.store';
import { RatingJobStore } from '../persistence/rating-job.store';
import { ScoredArtifactStore } from '../persistence/scored-artifact.store';
import { RatingWorker } from '../worker/rating-worker.service';
import { SCORING_SETTINGS, type ScoringSettings } from '../worker/scoring-settings';

/**
 * tree_score follows the lineage from events, never by polling: the lineage service says which registered models
 * a model derives from (the complete list each time), scoring keeps that list and re-rates the model when it
 * changed. A model scoring has not stored yet only gets its parents recorded: its first rating reads them.
 * Datasets and code are kept too: they have no net_score (tree_score reads rated models only), but one that arrives
 * after the model (a dataset its card names, registered later) changes the list, and the re-rating links it.
 */
@Injectable()
export class LineageChangedHandler {
  private readonly logger: Logger;
  private readonly parents = new LineageParentStore();
  private readonly jobs = new RatingJobStore();
  private readonly artifacts = new ScoredArtifactStore();

  constructor(
    @Inject(RatingWorker) private readonly worker: RatingWorker,
    @Inject(SCORING_SETTINGS) private readonly settings: ScoringSettings,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'LineageChangedHandler' });
  }

  @OnEvent(Topic.LineageChanged)
  async onLineageChanged(event: Envelope<LineageChangedV1>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    if (p.artifactType !== 'model') return;
    const changed = await this.parents.replace(
      ctx.manager,
      p.artifactId,
      p.parents.map((parent) => ({ parentId: parent.artifactId, parentName: parent.name, relationship: parent.relationship })),
    );
    if (!changed) return;
    if ((await this.artifacts.find(ctx.manager, p.artifactId, p.version)) === null) return;
    this.logger.info(`lineage of ${p.artifactId}@${p.version} changed (${p.parents.length} parent(s)): re-rating`);
    await this.jobs.requestRerating(
      ctx.manager,
      { artifactId: p.artifactId, version: p.version, causationId: event.eventId, correlationId: event.correlationId },
      this.settings.workerId,
      this.settings.leaseMs,
    );
    setTimeout(() => this.worker.notify(), 20).unref();
  }
}
