import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@modelguard/persistence';

/**
 * `claimed_until`: the relay claims rows in a short statement and publishes outside any transaction, so no row
 * lock is held across the broker call; the claim only keeps other replicas off the rows meanwhile and expires by
 * itself if the claiming process dies. `published_at` (already there) records when the broker took the message.
 */
export class OutboxClaims1700000000001 implements MigrationInterface {
  name = 'OutboxClaims1700000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`ALTER TABLE "${s}"."outbox" ADD COLUMN IF NOT EXISTS "claimed_until" timestamptz NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`ALTER TABLE "${s}"."outbox" DROP COLUMN IF EXISTS "claimed_until"`);
  }
}
