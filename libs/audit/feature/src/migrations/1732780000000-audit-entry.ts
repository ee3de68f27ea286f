import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditEntry1732780000000 implements MigrationInterface {
  name = 'AuditEntry1732780000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE "${s}"."audit_entry" (
        "id" bigserial PRIMARY KEY,
        "event_id" uuid NOT NULL,
        "artifact_id" text NOT NULL,
        "artifact_type" text NOT NULL,
        "artifact_name" text NOT NULL,
        "action" text NOT NULL CHECK ("action" IN ('CREATE', 'UPDATE', 'DOWNLOAD', 'DELETE', 'RATE', 'AUDIT')),
        "user_name" text NOT NULL,
        "user_is_admin" boolean NOT NULL,
        "occurred_at" timestamptz NOT NULL,
        "prev_hash" char(64) NOT NULL,
        "hash" char(64) NOT NULL
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_audit_entry_event_id" ON "${s}"."audit_entry" ("event_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_entry_artifact" ON "${s}"."audit_entry" ("artifact_id", "occurred_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${schemaOf(queryRunner)}"."audit_entry"`);
  }
}
