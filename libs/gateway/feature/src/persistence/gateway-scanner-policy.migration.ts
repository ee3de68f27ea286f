import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registry admin's scanner policy (issue 16): one row (id 1) holding the allow-list of pickle imports the
 * scanner does not know and the version counter every change increments. No row is version 0, the empty list. The
 * row is also the lock that serialises concurrent changes (SELECT … FOR UPDATE), so two admins never publish the
 * same version. It survives DELETE /reset, like quotas and signing keys: it is configuration, not registry content.
 */
export class GatewayScannerPolicy1764900000000 implements MigrationInterface {
  name = 'GatewayScannerPolicy1764900000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`CREATE TABLE "${s}".scanner_policy (
      id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      version integer NOT NULL DEFAULT 0,
      allowed_imports jsonb NOT NULL DEFAULT '[]'::jsonb,
      updated_by varchar(256) NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`DROP TABLE "${s}".scanner_policy`);
  }
}
