import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const OLD_ACTIONS = `'CREATE', 'UPDATE', 'DOWNLOAD', 'DELETE', 'RATE', 'AUDIT', 'REFUSE', 'RESET', 'SIGN_IN', 'SIGN_OUT', 'TOKEN_REVOKE', 'USER_CREATE', 'USER_DELETE', 'HF_TOKEN_CREATE', 'HF_TOKEN_REVOKE', 'UPLOADER_KEY_ADD', 'UPLOADER_KEY_REVOKE'`;
/** Frozen here (not read from the contract): a migration must keep meaning what it meant when it was written. */
const NEW_ACTIONS = `${OLD_ACTIONS}, 'QUOTA_SET', 'SIGNING_KEY_GENERATE', 'SIGNING_KEY_ROTATE'`;

/** An admin's quota override (issue 17.5) and the registry's own signing-key generation and rotation (issue 11.4). */
export class AuditQuotaSigningActions1764800000000 implements MigrationInterface {
  name = 'AuditQuotaSigningActions1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = `"${schemaOf(queryRunner)}"."audit_entry"`;
    await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT "CHK_audit_entry_action"`);
    await queryRunner.query(`ALTER TABLE ${t} ADD CONSTRAINT "CHK_audit_entry_action" CHECK ("action" IN (${NEW_ACTIONS}))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = `"${schemaOf(queryRunner)}"."audit_entry"`;
    await queryRunner.query(`DELETE FROM ${t} WHERE "action" IN ('QUOTA_SET', 'SIGNING_KEY_GENERATE', 'SIGNING_KEY_ROTATE')`);
    await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT "CHK_audit_entry_action"`);
    await queryRunner.query(`ALTER TABLE ${t} ADD CONSTRAINT "CHK_audit_entry_action" CHECK ("action" IN (${OLD_ACTIONS}))`);
  }
}
