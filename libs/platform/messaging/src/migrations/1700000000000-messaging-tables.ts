import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@modelguard/persistence';

/**
 * Outbox and inbox tables, created in whichever service schema runs the migration (every service has
 * its own pair). The timestamp is early on purpose: they exist before any feature migration.
 */
export class MessagingTables1700000000000 implements MigrationInterface {
  name = 'MessagingTables1700000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE "${s}"."outbox" (
        "id" bigserial PRIMARY KEY,
        "event_id" uuid NOT NULL,
        "topic" text NOT NULL,
        "key" text NOT NULL,
        "envelope" jsonb NOT NULL,
        "headers" jsonb NOT NULL DEFAULT '{}'::jsonb,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "published_at" timestamptz NULL,
        CONSTRAINT "UQ_${s}_outbox_event_id" UNIQUE ("event_id")
      )`);
    // The relay only ever scans unpublished rows; a partial index keeps that scan tiny forever.
    await queryRunner.query(`CREATE INDEX "IDX_${s}_outbox_pending" ON "${s}"."outbox" ("id") WHERE "published_at" IS NULL`);
    await queryRunner.query(`
      CREATE TABLE "${s}"."inbox" (
        "consumer" text NOT NULL,
        "event_id" uuid NOT NULL,
        "topic" text NOT NULL,
        "processed_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_${s}_inbox" PRIMARY KEY ("consumer", "event_id")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${s}"."inbox"`);
    await queryRunner.query(`DROP TABLE "${s}"."outbox"`);
  }
}
