import type { IngestGateVerdictV1 } from '@modelguard/contracts';
import type { ModelRating, RatingMetric } from '@modelguard/domain';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The gateway's read model of ratings: one row per rated model version, written from scoring's RatingComputed
 * events, read by `GET /artifact/model/{id}/rate` (which never computes anything). Goes with its version
 * (ON DELETE CASCADE), so deleting an artifact or resetting the registry clears it.
 */
@Entity({ name: 'model_ratings' })
export class ModelRatingEntity {
  @PrimaryColumn({ name: 'artifact_id', type: 'varchar', length: 64 })
  artifactId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  version!: string;

  /** The spec's ModelRating, exactly as the scoring service published it (validated on receipt). */
  @Column({ type: 'jsonb' })
  rating!: ModelRating;

  @Column({ type: 'jsonb' })
  reasons!: Partial<Record<RatingMetric, string>>;

  @Column({ type: 'jsonb' })
  fallbacks!: RatingMetric[];

  /** The ingest gate's verdict scoring sent with the rating (NULL when it sent none). */
  @Column({ type: 'jsonb', nullable: true })
  gate!: IngestGateVerdictV1 | null;

  /** When scoring computed it: a re-rating replaces the row only if it is newer. */
  @Column({ name: 'computed_at', type: 'timestamptz' })
  computedAt!: Date;
}
