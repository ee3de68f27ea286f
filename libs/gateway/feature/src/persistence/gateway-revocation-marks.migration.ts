import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a revoked token's cache marker was known to be set (auth/revocation-reconciler.ts). A revocation is committed
 * to the database first; if the cache write then fails (Redis briefly unreachable, process killed) the old counter
 * would keep accepting the token, so the reconciler re-marks every revoked, unexpired row with no mark time. Rows
 * revoked before this migration start unmarked on purpose: the first passes re-mark them, closing that hole for them
 * too. The partial index holds only those pending rows, so the reconciler's poll stays an index probe.
 */
export class GatewayRevocationMarks1764960000000 implements MigrationInterface {
  name = 'GatewayRevocationMarks1764960000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`ALTER TABLE "${s}".auth_tokens ADD COLUMN revocation_marked_at timestamptz NULL`);
    await q.query(`CREATE INDEX auth_tokens_unmarked_revocations_idx ON "${s}".auth_tokens (expires_at)
      WHERE revoked_at IS NOT NULL AND revocation_marked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`DROP INDEX "${s}".auth_tokens_unmarked_revocations_idx`);
    await q.query(`ALTER TABLE "${s}".auth_tokens DROP COLUMN revocation_marked_at`);
  }
}
