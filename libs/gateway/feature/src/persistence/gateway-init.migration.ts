import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates the gateway schema objects. Schema-qualified so several test schemas can share one database. */
export class GatewayInit1764300000000 implements MigrationInterface {
  name = 'GatewayInit1764300000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`CREATE SCHEMA IF NOT EXISTS "${s}"`);
    await q.query(`CREATE TABLE "${s}".users (
      name varchar(128) PRIMARY KEY, password_hash text NOT NULL, is_admin boolean NOT NULL DEFAULT false,
      permissions text[] NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE "${s}".artifacts (
      id varchar(64) PRIMARY KEY, seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE, type varchar(16) NOT NULL,
      name text NOT NULL, url text NOT NULL, latest_version varchar(64) NOT NULL, readme text,
      created_at timestamptz NOT NULL DEFAULT now(), CONSTRAINT artifacts_type_url_uq UNIQUE (type, url))`);
    await q.query(`CREATE INDEX artifacts_name_idx ON "${s}".artifacts (name, seq)`);
    await q.query(`CREATE TABLE "${s}".artifact_versions (
      artifact_id varchar(64) NOT NULL REFERENCES "${s}".artifacts(id) ON DELETE CASCADE, version varchar(64) NOT NULL,
      ordinal int NOT NULL, url text NOT NULL, source varchar(32), ingest_state varchar(16) NOT NULL, ingest_error text,
      scan_state varchar(16) NOT NULL, scan_reason text, override_by text, override_reason text,
      files jsonb NOT NULL DEFAULT '[]', total_bytes bigint NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (artifact_id, version),
      CONSTRAINT artifact_versions_ordinal_uq UNIQUE (artifact_id, ordinal))`);
    await q.query(`CREATE TABLE "${s}".downloads (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), artifact_id varchar(64) NOT NULL, version varchar(64) NOT NULL,
      part text NOT NULL, actor_name text NOT NULL, downloaded_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    for (const t of ['downloads', 'artifact_versions', 'artifacts', 'users']) await q.query(`DROP TABLE "${s}".${t}`);
  }
}
