import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-user quotas (issue 17.5): one row per user who uploaded or was given an override. The row is also the lock
 * that serialises a user's quota checks (SELECT … FOR UPDATE), so two concurrent uploads cannot both fit a quota
 * that holds only one. Usage itself is never stored: it is the sum of the user's stored versions, so a delete gives
 * the space back with nothing to keep in step. The upload-rate window is a fixed window in epoch milliseconds.
 */
export class GatewayQuotas1764470000000 implements MigrationInterface {
  name = 'GatewayQuotas1764470000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`CREATE TABLE "${s}".user_quotas (
      user_name varchar(256) PRIMARY KEY,
      storage_limit_bytes bigint NULL, uploads_per_window integer NULL,
      window_started_ms bigint NOT NULL DEFAULT 0, window_uploads integer NOT NULL DEFAULT 0,
      updated_by varchar(256) NULL, updated_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`DROP TABLE "${s}".user_quotas`);
  }
}
