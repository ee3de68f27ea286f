import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ingest gate (artifacts/rating-gate.ts): each version's gate state and reason, and the verdict scoring sent
 * with each rating. Nullable: versions that are not gated (uploads, code, datasets) and ratings from before the
 * verdict existed keep NULL.
 */
export class GatewayRatingGate1764330000000 implements MigrationInterface {
  name = 'GatewayRatingGate1764330000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`ALTER TABLE "${s}".artifact_versions ADD COLUMN rating_state varchar(16) NULL, ADD COLUMN rating_reason text NULL`);
    await q.query(`ALTER TABLE "${s}".model_ratings ADD COLUMN gate jsonb NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`ALTER TABLE "${s}".model_ratings DROP COLUMN gate`);
    await q.query(`ALTER TABLE "${s}".artifact_versions DROP COLUMN rating_reason, DROP COLUMN rating_state`);
  }
}
