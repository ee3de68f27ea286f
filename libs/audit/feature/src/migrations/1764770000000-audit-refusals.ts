import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refusals in the log (action REFUSE): who was refused may be anonymous and what was refused may name no artifact, so
 * those columns become nullable; the refusal's own facts get columns of their own. Existing entries keep their
 * values and their hashes (the canonical form of an entry without a reason is unchanged, see audit-chain.ts).
 */
export class AuditRefusals1764770000000 implements MigrationInterface {
  name = 'AuditRefusals1764770000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = `"${schemaOf(queryRunner)}"."audit_entry"`;
    await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS "audit_entry_action_check"`);
    await queryRunner.query(
      `ALTER TABLE ${t} ADD CONSTRAINT "CHK_audit_entry_action" CHECK ("action" IN ('CREATE', 'UPDATE', 'DOWNLOAD', 'DELETE', 'RATE', 'AUDIT', 'REFUSE'))`,
    );
    for (const column of ['artifact_id', 'artifact_type', 'artifact_name', 'user_name', 'user_is_admin']) {
      await queryRunner.query(`ALTER TABLE ${t} ALTER COLUMN "${column}" DROP NOT NULL`);
    }
    await queryRunner.query(`
      ALTER TABLE ${t}
        ADD COLUMN "status" smallint NULL,
        ADD COLUMN "reason" text NULL,
        ADD COLUMN "http_method" text NULL,
        ADD COLUMN "route" text NULL,
        ADD COLUMN "client_address" text NULL,
        ADD COLUMN "message" text NULL,
        ADD COLUMN "suppressed" integer NULL`);
    // The security log is read by action (refusals), by actor and by id order; the artifact index exists already.
    await queryRunner.query(`CREATE INDEX "IDX_audit_entry_action" ON ${t} ("action", "id")`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_entry_user" ON ${t} ("user_name", "id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    const t = `"${s}"."audit_entry"`;
    await queryRunner.query(`DROP INDEX "${s}"."IDX_audit_entry_user"`);
    await queryRunner.query(`DROP INDEX "${s}"."IDX_audit_entry_action"`);
    await queryRunner.query(`DELETE FROM ${t} WHERE "action" = 'REFUSE'`);
    await queryRunner.query(
      `ALTER TABLE ${t} DROP COLUMN "status", DROP COLUMN "reason", DROP COLUMN "http_method", DROP COLUMN "route", DROP COLUMN "client_address", DROP COLUMN "message", DROP COLUMN "suppressed"`,
    );
    for (const column of ['artifact_id', 'artifact_type', 'artifact_name', 'user_name', 'user_is_admin']) {
      await queryRunner.query(`ALTER TABLE ${t} ALTER COLUMN "${column}" SET NOT NULL`);
    }
    await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT "CHK_audit_entry_action"`);
    await queryRunner.query(`ALTER TABLE ${t} ADD CONSTRAINT "audit_entry_action_check" CHECK ("action" IN ('CREATE', 'UPDATE', 'DOWNLOAD', 'DELETE', 'RATE', 'AUDIT'))`);
  }
}
