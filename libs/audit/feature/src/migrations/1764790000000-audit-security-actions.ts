import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const OLD_ACTIONS = `'CREATE', 'UPDATE', 'DOWNLOAD', 'DELETE', 'RATE', 'AUDIT', 'REFUSE', 'RESET'`;
/** Frozen here (not read from the contract): a migration must keep meaning what it meant when it was written. */
const NEW_ACTIONS = `${OLD_ACTIONS}, 'SIGN_IN', 'SIGN_OUT', 'TOKEN_REVOKE', 'USER_CREATE', 'USER_DELETE', 'HF_TOKEN_CREATE', 'HF_TOKEN_REVOKE', 'UPLOADER_KEY_ADD', 'UPLOADER_KEY_REVOKE'`;

/**
 * Security actions in the log (gateway.security-event.v1): the action check admits them and their subject and detail
 * get columns. Existing entries keep their values and hashes (an entry without a subject hashes as before).
 */
export class AuditSecurityActions1764790000000 implements MigrationInterface {
  name = 'AuditSecurityActions1764790000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = `"${schemaOf(queryRunner)}"."audit_entry"`;
    await queryRunner.query(`ALTER TABLE ${t} ADD COLUMN "subject" text NULL, ADD COLUMN "detail" text NULL`);
    await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT "CHK_audit_entry_action"`);
    await queryRunner.query(`ALTER TABLE ${t} ADD CONSTRAINT "CHK_audit_entry_action" CHECK ("action" IN (${NEW_ACTIONS}))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = `"${schemaOf(queryRunner)}"."audit_entry"`;
    await queryRunner.query(`DELETE FROM ${t} WHERE "subject" IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT "CHK_audit_entry_action"`);
    await queryRunner.query(`ALTER TABLE ${t} ADD CONSTRAINT "CHK_audit_entry_action" CHECK ("action" IN (${OLD_ACTIONS}))`);
    await queryRunner.query(`ALTER TABLE ${t} DROP COLUMN "subject", DROP COLUMN "detail"`);
  }
}
