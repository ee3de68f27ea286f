import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users and permissions (issue 10): the issued-token ledger (revocations and use reservations that survive cache
 * restarts) and the owner of each artifact (update and delete need ownership or admin). Artifacts from before this
 * migration have no owner: only admins may change them.
 */
export class GatewayAuth1764351000000 implements MigrationInterface {
  name = 'GatewayAuth1764351000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`CREATE TABLE "${s}".auth_tokens (
      id varchar(64) PRIMARY KEY, user_name varchar(128) NOT NULL, issued_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL, uses_reserved int NOT NULL, revoked_at timestamptz NULL)`);
    await q.query(`CREATE INDEX auth_tokens_user_idx ON "${s}".auth_tokens (user_name, expires_at)`);
    await q.query(`CREATE INDEX auth_tokens_expiry_idx ON "${s}".auth_tokens (expires_at)`);
    await q.query(`ALTER TABLE "${s}".artifacts ADD COLUMN owner varchar(128) NULL`);
    await q.query(`CREATE INDEX artifacts_owner_idx ON "${s}".artifacts (owner)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`DROP INDEX "${s}".artifacts_owner_idx`);
    await q.query(`ALTER TABLE "${s}".artifacts DROP COLUMN owner`);
    await q.query(`DROP TABLE "${s}".auth_tokens`);
  }
}
