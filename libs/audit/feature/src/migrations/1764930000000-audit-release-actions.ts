import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const OLD_ACTIONS = `'CREATE', 'UPDATE', 'DOWNLOAD', 'DELETE', 'RATE', 'AUDIT', 'REFUSE', 'RESET', 'SIGN_IN', 'SIGN_OUT', 'TOKEN_REVOKE', 'USER_CREATE', 'USER_DELETE', 'HF_TOKEN_CREATE', 'HF_TOKEN_REVOKE', 'UPLOADER_KEY_ADD', 'UPLOADER_KEY_REVOKE', 'QUOTA_SET', 'SIGNING_KEY_GENERATE', 'SIGNING_KEY_ROTATE', 'SCANNER_POLICY_SET', 'PERFORMANCE_WORKLOAD_RUN', 'SIGNING_KEY_USE'`;
const RELEASE_ACTIONS = `'RELEASE_REQUEST', 'RELEASE_APPROVE', 'RELEASE_REJECT', 'RELEASE_EXPIRE'`;
/** Frozen here (not read from the contract): a migration must keep meaning what it meant when it was written. */
const NEW_ACTIONS = `${OLD_ACTIONS}, ${RELEASE_ACTIONS}`;

/** Promotion requests, their approvals, rejections (or withdrawals) and expiry (issue 17.2 "visible in the audit trail"). */
export class AuditReleaseActions1764930000000 implements MigrationInterface {
  name = 'AuditReleaseActions1764930000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = `"${schemaOf(queryRunner)}"."audit_entry"`;
    await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT "CHK_audit_entry_action"`);
    await queryRunner.query(`ALTER TABLE ${t} ADD CONSTRAINT "CHK_audit_entry_action" CHECK ("action" IN (${NEW_ACTIONS}))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = `"${schemaOf(queryRunner)}"."audit_entry"`;
    await queryRunner.query(`DELETE FROM ${t} WHERE "action" IN (${RELEASE_ACTIONS})`);
    await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT "CHK_audit_entry_action"`);
    await queryRunner.query(`ALTER TABLE ${t} ADD CONSTRAINT "CHK_audit_entry_action" CHECK ("action" IN (${OLD_ACTIONS}))`);
  }
}
