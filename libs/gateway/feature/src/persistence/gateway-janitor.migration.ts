import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The orphan janitor (issue 11.6): one lease row per janitor task, so only one gateway replica collects at a time and
 * runs are spaced by the interval across replicas; and a GIN index so "is this blob in any version's manifest" is an
 * index probe (`files @> '[{"sha256": …}]'`) instead of a scan of every manifest per listed blob.
 */
export class GatewayJanitor1764400000000 implements MigrationInterface {
  name = 'GatewayJanitor1764400000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`CREATE TABLE "${s}".janitor_leases (
      task varchar(32) PRIMARY KEY, owner varchar(128) NULL,
      lease_expires_at timestamptz NOT NULL DEFAULT now(), last_finished_at timestamptz NULL)`);
    await q.query(`CREATE INDEX artifact_versions_files_gin ON "${s}".artifact_versions USING gin (files jsonb_path_ops)`);
    await q.query(`CREATE INDEX sensitive_models_program_idx ON "${s}".sensitive_models (program_sha256)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`DROP INDEX "${s}".sensitive_models_program_idx`);
    await q.query(`DROP INDEX "${s}".artifact_versions_files_gin`);
    await q.query(`DROP TABLE "${s}".janitor_leases`);
  }
}
