import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The release version the source gives a version (a Hugging Face tag), shown and queried instead of the registry's
 * key. Nullable: uploads and versions whose source names no release keep NULL and show their key.
 */
export class GatewayVersionLabels1764340000000 implements MigrationInterface {
  name = 'GatewayVersionLabels1764340000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "${schemaOf(q)}".artifact_versions ADD COLUMN version_label varchar(64) NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "${schemaOf(q)}".artifact_versions DROP COLUMN version_label`);
  }
}
