import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registry admin's scanner policy as the scan service last received it (registry.scanner-policy-changed.v1):
 * one row, the highest version seen, so a redelivered or reordered older event never rolls it back. Reports record
 * the policy version their scan applied (null on reports stored before this migration).
 */
export class ScanScannerPolicy1764900000000 implements MigrationInterface {
  name = 'ScanScannerPolicy1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE "${s}"."scanner_policy" (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        version integer NOT NULL,
        allowed_imports jsonb NOT NULL,
        changed_by text NOT NULL,
        changed_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`ALTER TABLE "${s}"."scan_report" ADD COLUMN policy_version integer NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`ALTER TABLE "${s}"."scan_report" DROP COLUMN IF EXISTS policy_version`);
    await queryRunner.query(`DROP TABLE IF EXISTS "${s}"."scanner_policy"`);
  }
}
