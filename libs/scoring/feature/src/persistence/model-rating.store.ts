import type { ModelRating, RatingMetric } from '@modelguard/domain';
import type { EntityManager } from 'typeorm';
import { tableOf } from './scoring-tables';

export interface StoredRating {
  artifactId: string;
  version: string;
  name: string;
  rating: ModelRating;
  reasons: Record<RatingMetric, string>;
  fallbacks: RatingMetric[];
  linkedCodeId: string | null;
  linkedDatasetId: string | null;
  jobId: string;
  computedAt: Date;
}

interface RatingRow {
  artifact_id: string;
  version: string;
  name: string;
  rating: ModelRating;
  reasons: Record<RatingMetric, string>;
  fallbacks: RatingMetric[];
  linked_code_id: string | null;
  linked_dataset_id: string | null;
  job_id: string;
  computed_at: Date;
}

/** All SQL about computed ratings: one per model version, replaced when the version is rated again. */
export class ModelRatingStore {
  async upsert(manager: EntityManager, r: StoredRating): Promise<void> {
    await manager.query(
      `INSERT INTO ${tableOf(manager, 'model_rating')}
         (artifact_id, version, name, rating, reasons, fallbacks, linked_code_id, linked_dataset_id, job_id, computed_at)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7, $8, $9, $10)
       ON CONFLICT (artifact_id, version) DO UPDATE
         SET name = EXCLUDED.name, rating = EXCLUDED.rating, reasons = EXCLUDED.reasons, fallbacks = EXCLUDED.fallbacks,
             linked_code_id = EXCLUDED.linked_code_id, linked_dataset_id = EXCLUDED.linked_dataset_id,
             job_id = EXCLUDED.job_id, computed_at = EXCLUDED.computed_at`,
      [
        r.artifactId,
        r.version,
        r.name,
        JSON.stringify(r.rating),
        JSON.stringify(r.reasons),
        JSON.stringify(r.fallbacks),
        r.linkedCodeId,
        r.linkedDatasetId,
        r.jobId,
        r.computedAt,
      ],
    );
  }

  async find(manager: EntityManager, artifactId: string, version: string): Promise<StoredRating | null> {
    const rows = (await manager.query(
      `SELECT artifact_id, version, name, rating, reasons, fallbacks, linked_code_id, linked_dataset_id, job_id, computed_at
         FROM ${tableOf(manager, 'model_rating')} WHERE artifact_id = $1 AND version = $2`,
      [artifactId, version],
    )) as RatingRow[];
    const row = rows[0];
    if (!row) return null;
    return {
      artifactId: row.artifact_id,
      version: row.version,
      name: row.name,
      rating: row.rating,
      reasons: row.reasons,
      fallbacks: row.fallbacks,
      linkedCodeId: row.linked_code_id,
      linkedDatasetId: row.linked_dataset_id,
      jobId: row.job_id,
      computedAt: new Date(row.computed_at),
    };
  }

  async deleteArtifact(manager: EntityManager, artifactId: string): Promise<void> {
    await manager.query(`DELETE FROM ${tableOf(manager, 'model_rating')} WHERE artifact_id = $1`, [artifactId]);
  }

  async deleteAll(manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM ${tableOf(manager, 'model_rating')}`);
  }
}
