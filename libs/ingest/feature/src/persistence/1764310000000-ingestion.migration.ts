import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@modelguard/persistence';

/** The ingest service's only table: outcomes of upstream fetches, keyed by artifact and version. */
export class Ingestion1764310000000 implements MigrationInterface {
  name = 'Ingestion1764310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE "${s}"."ingestion" (
        "artifact_id" text NOT NULL,
        "version" text NOT NULL,
        "artifact_type" text NOT NULL,
        "url" text NOT NULL,
        "status" text NOT NULL CHECK ("status" IN ('stored', 'failed')),
        "attempts" integer NOT NULL,
        "started_at" timestamptz NOT NULL,
        "finished_at" timestamptz NOT NULL,
        "error" text NULL,
        "result" jsonb NULL,
        CONSTRAINT "PK_${s}_ingestion" PRIMARY KEY ("artifact_id", "version")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${schemaOf(queryRunner)}"."ingestion"`);
  }
}
