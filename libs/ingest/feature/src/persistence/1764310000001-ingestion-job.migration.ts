import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@modelguard/persistence';

/**
 * Turns `ingestion` from an outcome log into a job table: a row is now written as soon as the request
 * arrives (pending), claimed by a worker (running, with an owner, a lease and a claim token) and finished
 * (stored / failed). Existing outcome rows stay valid: the new columns are nullable or defaulted.
 */
export class IngestionJob1764310000001 implements MigrationInterface {
  name = 'IngestionJob1764310000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = `"${schemaOf(queryRunner)}"."ingestion"`;
    // The original inline CHECK got Postgres' generated name; it only allowed the two final states.
    await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS "ingestion_status_check"`);
    await queryRunner.query(`
      ALTER TABLE ${t}
        ADD CONSTRAINT "ingestion_status_check" CHECK ("status" IN ('pending', 'running', 'stored', 'failed')),
        ALTER COLUMN "finished_at" DROP NOT NULL,
        ADD COLUMN "name" text NULL,
        ADD COLUMN "causation_id" text NULL,
        ADD COLUMN "correlation_id" text NULL,
        ADD COLUMN "owner" text NULL,
        ADD COLUMN "claim_token" uuid NULL,
        ADD COLUMN "lease_expires_at" timestamptz NULL,
        ADD COLUMN "next_attempt_at" timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN "created_at" timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN "updated_at" timestamptz NOT NULL DEFAULT now()`);
    // The claim query only ever looks at unfinished jobs; keep that scan small once outcomes pile up.
    await queryRunner.query(
      `CREATE INDEX "ingestion_claimable_idx" ON ${t} ("lease_expires_at") WHERE "status" IN ('pending', 'running')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    const t = `"${s}"."ingestion"`;
    await queryRunner.query(`DROP INDEX IF EXISTS "${s}"."ingestion_claimable_idx"`);
    // Unfinished jobs cannot be represented in the old shape.
    await queryRunner.query(`DELETE FROM ${t} WHERE "status" IN ('pending', 'running') OR "finished_at" IS NULL`);
    await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS "ingestion_status_check"`);
    await queryRunner.query(`
      ALTER TABLE ${t}
        ADD CONSTRAINT "ingestion_status_check" CHECK ("status" IN ('stored', 'failed')),
        ALTER COLUMN "finished_at" SET NOT NULL,
        DROP COLUMN "name", DROP COLUMN "causation_id", DROP COLUMN "correlation_id", DROP COLUMN "owner",
        DROP COLUMN "claim_token", DROP COLUMN "lease_expires_at", DROP COLUMN "next_attempt_at",
        DROP COLUMN "created_at", DROP COLUMN "updated_at"`);
  }
}
