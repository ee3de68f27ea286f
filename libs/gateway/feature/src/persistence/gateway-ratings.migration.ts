import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The rating read model (model-rating.entity.ts): one row per rated model version, gone with its version. */
export class GatewayRatings1764320000000 implements MigrationInterface {
  name = 'GatewayRatings1764320000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`CREATE TABLE "${s}".model_ratings (
      artifact_id varchar(64) NOT NULL, version varchar(64) NOT NULL, rating jsonb NOT NULL, reasons jsonb NOT NULL,
      fallbacks jsonb NOT NULL, computed_at timestamptz NOT NULL, PRIMARY KEY (artifact_id, version),
      CONSTRAINT model_ratings_version_fk FOREIGN KEY (artifact_id, version)
        REFERENCES "${s}".artifact_versions(artifact_id, version) ON DELETE CASCADE)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "${schemaOf(q)}".model_ratings`);
  }
}
