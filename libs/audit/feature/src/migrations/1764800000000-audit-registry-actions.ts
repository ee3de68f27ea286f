import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const OLD_ACTIONS = `'CREATE', 'UPDATE', 'DOWNLOAD', 'DELETE', 'RATE', 'AUDIT', 'REFUSE', 'RESET', 'SIGN_IN', 'SIGN_OUT', 'TOKEN_REVOKE', 'USER_CREATE', 'USER_DELETE', 'HF_TOKEN_CREATE', 'HF_TOKEN_REVOKE', 'UPLOADER_KEY_ADD', 'UPLOADER_KEY_REVOKE'`;
/** The actions this migration adds; frozen here (not read from the contract): a migration keeps meaning what it meant. */
const ADDED = [
  // An admin's quota override (issue 17.5).
  'QUOTA_SET',
  // The registry's signing key: generated, rotated, and used for one stored version's manifest (issue 11.4).
  'SIGNING_KEY_GENERATE',
  'SIGNING_KEY_ROTATE',
  'SIGNING_KEY_USE',
  // An admin's change of the scanner's allow-list of imports (issue 16).
  'SCANNER_POLICY_SET',
  // An admin's start of the performance workload: hundreds of real downloads in their name (issue 13.4).
  'PERFORMANCE_WORKLOAD_RUN',
  // Promotion requests, their approvals, rejections or withdrawals, and expiry (issue 17.2).
  'RELEASE_REQUEST',
  'RELEASE_APPROVE',
  'RELEASE_REJECT',
  'RELEASE_EXPIRE',
] as const;
const NEW_ACTIONS = `${OLD_ACTIONS}, ${ADDED.map((a) => `'${a}'`).join(', ')}`;

/** Security actions of quotas, signing keys, the scanner policy, the performance workload and release approvals. */
export class AuditRegistryActions1764800000000 implements MigrationInterface {
  name = 'AuditRegistryActions1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = `"${schemaOf(queryRunner)}"."audit_entry"`;
    await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT "CHK_audit_entry_action"`);
    await queryRunner.query(`ALTER TABLE ${t} ADD CONSTRAINT "CHK_audit_entry_action" CHECK ("action" IN (${NEW_ACTIONS}))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = `"${schemaOf(queryRunner)}"."audit_entry"`;
    await queryRunner.query(`DELETE FROM ${t} WHERE "action" = ANY($1::text[])`, [[...ADDED]]);
    await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT "CHK_audit_entry_action"`);
    await queryRunner.query(`ALTER TABLE ${t} ADD CONSTRAINT "CHK_audit_entry_action" CHECK ("action" IN (${OLD_ACTIONS}))`);
  }
}
