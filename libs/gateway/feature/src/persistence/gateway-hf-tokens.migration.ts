import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The HF mirror's personal access tokens (hf-token.entity.ts): hashed, per user, gone with the user. */
export class GatewayHfTokens1764445000000 implements MigrationInterface {
  name = 'GatewayHfTokens1764445000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`CREATE TABLE "${s}".hf_tokens (
      id uuid PRIMARY KEY,
      user_name varchar(128) NOT NULL REFERENCES "${s}".users(name) ON DELETE CASCADE,
      token_hash char(64) NOT NULL UNIQUE,
      label varchar(100) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz)`);
    await q.query(`CREATE INDEX hf_tokens_user_idx ON "${s}".hf_tokens (user_name, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "${schemaOf(q)}".hf_tokens`);
  }
}
