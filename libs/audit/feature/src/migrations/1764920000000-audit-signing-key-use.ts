import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const OLD_ACTIONS = `'CREATE', 'UPDATE', 'DOWNLOAD', 'DELETE', 'RATE', 'AUDIT', 'REFUSE', 'RESET', 'SIGN_IN', 'SIGN_OUT', 'TOKEN_REVOKE', 'USER_CREATE', 'USER_DELETE', 'HF_TOKEN_CREATE', 'HF_TOKEN_REVOKE', 'UPLOADER_KEY_ADD', 'UPLOADER_KEY_REVOKE', 'QUOTA_SET', 'SIGNING_KEY_GENERATE', 'SIGNING_KEY_ROTATE', 'SCANNER_POLICY_SET', 'PERFORMANCE_WORKLOAD_RUN'`;
/** Frozen here (not read from the contract): a migration must keep meaning what it meant when it was written. */
const NEW_ACTIONS = `${OLD_ACTIONS}, 'SIGNING_KEY_USE'`;

/** The registry key that signed a stored version's manifest, one entry per signed version (issue 11.4 "key use"). */
export class AuditSigningKeyUse1764920000000 implements MigrationInterface {
  name = 'AuditSigningKeyUse1764920000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = `"${schemaOf(queryRunner)}"."audit_entry"`;
    await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT "CHK_audit_entry_action"`);
    await queryRunner.query(`ALTER TABLE ${t} ADD CONSTRAINT "CHK_audit_entry_action" CHECK ("action" IN (${NEW_ACTIONS}))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = `"${schemaOf(queryRunner)}"."audit_entry"`;
    await queryRunner.query(`DELETE FROM ${t} WHERE "action" = 'SIGNING_KEY_USE'`);
    await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT "CHK_audit_entry_action"`);
    await queryRunner.query(`ALTER TABLE ${t} ADD CONSTRAINT "CHK_audit_entry_action" CHECK ("action" IN (${OLD_ACTIONS}))`);
  }
}
