import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sensitive models (issue 10.2): which models are sensitive and their monitor program (a blob address), and the
 * history of every download attempt of one, refused ones included. Both go with their artifact.
 */
export class GatewaySensitive1764372000000 implements MigrationInterface {
  name = 'GatewaySensitive1764372000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`CREATE TABLE "${s}".sensitive_models (
      artifact_id varchar(64) PRIMARY KEY REFERENCES "${s}".artifacts(id) ON DELETE CASCADE,
      marked_by varchar(128) NOT NULL, program_sha256 varchar(64) NULL, program_size int NULL,
      program_by varchar(128) NULL, updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE "${s}".sensitive_downloads (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      artifact_id varchar(64) NOT NULL REFERENCES "${s}".artifacts(id) ON DELETE CASCADE,
      version varchar(64) NOT NULL, part text NOT NULL, actor_name text NOT NULL, allowed boolean NOT NULL,
      verdict varchar(16) NOT NULL, exit_code int NULL, signal varchar(16) NULL, duration_ms int NULL,
      program_sha256 varchar(64) NULL, stdout text NULL, attempted_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX sensitive_downloads_artifact_idx ON "${s}".sensitive_downloads (artifact_id, attempted_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`DROP TABLE "${s}".sensitive_downloads`);
    await q.query(`DROP TABLE "${s}".sensitive_models`);
  }
}
