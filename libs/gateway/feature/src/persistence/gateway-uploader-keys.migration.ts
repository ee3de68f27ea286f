import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Uploaders' own signing keys and the verified uploader signature of a version (issue 11.1). Keys go with their user:
 * a later user of the same name must never inherit them.
 */
export class GatewayUploaderKeys1764430000000 implements MigrationInterface {
  name = 'GatewayUploaderKeys1764430000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`CREATE TABLE "${s}".uploader_keys (
      key_id varchar(64) PRIMARY KEY,
      user_name varchar(128) NOT NULL REFERENCES "${s}".users (name) ON DELETE CASCADE, algorithm varchar(16) NOT NULL,
      public_key_pem text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), revoked_at timestamptz NULL)`);
    await q.query(`CREATE INDEX uploader_keys_user_idx ON "${s}".uploader_keys (user_name)`);
    await q.query(`CREATE TABLE "${s}".uploader_signatures (
      artifact_id varchar(64) NOT NULL, version varchar(64) NOT NULL, key_id varchar(64) NOT NULL,
      user_name varchar(128) NOT NULL, bundle text NOT NULL, verified_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (artifact_id, version),
      FOREIGN KEY (artifact_id, version) REFERENCES "${s}".artifact_versions (artifact_id, version) ON DELETE CASCADE)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`DROP TABLE "${s}".uploader_signatures`);
    await q.query(`DROP TABLE "${s}".uploader_keys`);
  }
}
