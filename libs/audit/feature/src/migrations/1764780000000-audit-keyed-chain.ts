import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keyed chain: each entry names the key that linked it (key_id); registry resets become RESET entries instead of
 * erasing the log; a download-gate override's reason and the verdict it set aside get columns. Existing rows get key_id NULL here and are re-linked under the configured key at start-up, after
 * their old SHA-256 chain has been checked (audit-relink.ts): the key is not available to a migration.
 */
export class AuditKeyedChain1764780000000 implements MigrationInterface {
  name = 'AuditKeyedChain1764780000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = `"${schemaOf(queryRunner)}"."audit_entry"`;
    await queryRunner.query(`ALTER TABLE ${t} ADD COLUMN "key_id" text NULL, ADD COLUMN "override_reason" text NULL, ADD COLUMN "overridden_verdict" text NULL`);
    await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT "CHK_audit_entry_action"`);
    await queryRunner.query(
      `ALTER TABLE ${t} ADD CONSTRAINT "CHK_audit_entry_action" CHECK ("action" IN ('CREATE', 'UPDATE', 'DOWNLOAD', 'DELETE', 'RATE', 'AUDIT', 'REFUSE', 'RESET'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = `"${schemaOf(queryRunner)}"."audit_entry"`;
    await queryRunner.query(`DELETE FROM ${t} WHERE "action" = 'RESET'`);
    await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT "CHK_audit_entry_action"`);
    await queryRunner.query(
      `ALTER TABLE ${t} ADD CONSTRAINT "CHK_audit_entry_action" CHECK ("action" IN ('CREATE', 'UPDATE', 'DOWNLOAD', 'DELETE', 'RATE', 'AUDIT', 'REFUSE'))`,
    );
    await queryRunner.query(`ALTER TABLE ${t} DROP COLUMN "key_id", DROP COLUMN "override_reason", DROP COLUMN "overridden_verdict"`);
  }
}
