import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Resumable upload sessions (issue 15). They go with their user: a later user of the same name must never inherit
 * a half-sent upload. The expiry index serves the janitor's sweep.
 */
export class GatewayUploadSessions1764940000000 implements MigrationInterface {
  name = 'GatewayUploadSessions1764940000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`CREATE TABLE "${s}".upload_sessions (
      id uuid PRIMARY KEY,
      owner varchar(128) NOT NULL REFERENCES "${s}".users (name) ON DELETE CASCADE,
      artifact_type varchar(16) NOT NULL, name text NOT NULL, version varchar(65) NULL,
      total_bytes bigint NOT NULL CHECK (total_bytes > 0),
      received_bytes bigint NOT NULL DEFAULT 0 CHECK (received_bytes >= 0 AND received_bytes <= total_bytes),
      state varchar(16) NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'completing', 'completed')),
      artifact_id varchar(64) NULL, expires_at timestamptz NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX upload_sessions_owner_idx ON "${s}".upload_sessions (owner, state)`);
    await q.query(`CREATE INDEX upload_sessions_expiry_idx ON "${s}".upload_sessions (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "${schemaOf(q)}".upload_sessions`);
  }
}
