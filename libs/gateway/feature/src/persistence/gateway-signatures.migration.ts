import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Signed manifests (issue 11.1): each version's bundle, and the public keys that signed them. */
export class GatewaySignatures1764390000000 implements MigrationInterface {
  name = 'GatewaySignatures1764390000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`CREATE TABLE "${s}".signing_keys (
      key_id varchar(64) PRIMARY KEY, public_key_pem text NOT NULL, first_used_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE "${s}".artifact_signatures (
      artifact_id varchar(64) NOT NULL, version varchar(64) NOT NULL,
      key_id varchar(64) NOT NULL REFERENCES "${s}".signing_keys(key_id),
      bundle text NOT NULL, signed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (artifact_id, version),
      FOREIGN KEY (artifact_id, version) REFERENCES "${s}".artifact_versions(artifact_id, version) ON DELETE CASCADE)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`DROP TABLE "${s}".artifact_signatures`);
    await q.query(`DROP TABLE "${s}".signing_keys`);
  }
}
