import { Topic, type Envelope, type RatingComputedV1 } from '@modelguard/contracts';
import { OnEvent, type EventContext } from '@modelguard/messaging';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { Inject, Injectable } from '@nestjs/common';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { ModelRatingEntity } from '../persistence/model-rating.entity';
import { settleRatingGate } from './rating-gate';

/**
 * Keeps the rating read model `/rate` answers from: one row per rated model version. The payload arrives validated
 * against the contract (every ModelRating field, scores in range); a rating of the same version replaces the
 * stored one only when it is newer, so a late redelivery of an old rating never wins.
 */
@Injectable()
export class RatingComputedHandler {
  private readonly logger: Logger;

  constructor(@Inject(SERVICE_LOGGER) logger: Logger) {
    this.logger = logger.child({ context: 'RatingComputedHandler' });
  }

  @OnEvent(Topic.RatingComputed)
  async onRatingComputed(event: Envelope<RatingComputedV1>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    const version = await ctx.manager.getRepository(ArtifactVersionEntity).findOneBy({ artifactId: p.artifactId, version: p.version });
    if (version === null) {
      // Normal after a delete or reset: the rating describes a version that no longer exists.
      this.logger.debug(`RatingComputed for unknown version ${p.artifactId}@${p.version} ignored`);
      return;
    }
    const ratings = ctx.manager.getRepository(ModelRatingEntity);
    const computedAt = new Date(p.computedAt);
    const existing = await ratings.findOneBy({ artifactId: p.artifactId, version: p.version });
    if (existing !== null && existing.computedAt.getTime() > computedAt.getTime()) return;
    await ratings.save({ artifactId: p.artifactId, version: p.version, rating: p.rating, reasons: p.reasons, fallbacks: p.fallbacks, gate: p.gate ?? null, computedAt });
    await settleRatingGate(ctx.manager, p.artifactId, p.version);
  }
}
