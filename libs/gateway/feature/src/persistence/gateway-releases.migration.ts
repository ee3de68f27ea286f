import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Release aliases (releases/): the alias rows (one version per alias, a revision for compare-and-set moves), their
 * full history, promotion requests with their approvals, and the deployment pulls of alias-scoped tokens. Everything
 * goes with its artifact (ON DELETE CASCADE), like the other per-artifact tables.
 */
export class GatewayReleases1764460000000 implements MigrationInterface {
  name = 'GatewayReleases1764460000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    const artifact = `artifact_id varchar(64) NOT NULL REFERENCES "${s}".artifacts(id) ON DELETE CASCADE`;
    await q.query(`CREATE TABLE "${s}".release_aliases (
      ${artifact}, alias varchar(63) NOT NULL, version varchar(64),
      revision int NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL DEFAULT now(), updated_by varchar(128),
      PRIMARY KEY (artifact_id, alias))`);
    await q.query(`CREATE TABLE "${s}".release_alias_history (
      id bigserial PRIMARY KEY, ${artifact}, alias varchar(63) NOT NULL,
      from_version varchar(64), to_version varchar(64) NOT NULL,
      kind varchar(16) NOT NULL CHECK (kind IN ('promotion', 'rollback')),
      actor varchar(128) NOT NULL, request_id uuid, approvers jsonb NOT NULL DEFAULT '[]',
      rolled_back boolean NOT NULL DEFAULT false, at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX release_alias_history_idx ON "${s}".release_alias_history (artifact_id, alias, id DESC)`);
    await q.query(`CREATE TABLE "${s}".release_requests (
      id uuid PRIMARY KEY, ${artifact}, alias varchar(63) NOT NULL, version varchar(64) NOT NULL,
      requested_by varchar(128) NOT NULL,
      state varchar(16) NOT NULL CHECK (state IN ('pending', 'applied', 'rejected', 'expired', 'superseded')),
      base_revision int NOT NULL, note text, created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL,
      decided_at timestamptz, decided_by varchar(128), decision_reason text)`);
    await q.query(`CREATE INDEX release_requests_idx ON "${s}".release_requests (artifact_id, created_at DESC)`);
    await q.query(`CREATE TABLE "${s}".release_approvals (
      request_id uuid NOT NULL REFERENCES "${s}".release_requests(id) ON DELETE CASCADE,
      approver varchar(128) NOT NULL, at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (request_id, approver))`);
    await q.query(`CREATE TABLE "${s}".deployment_pulls (
      id bigserial PRIMARY KEY, ${artifact}, alias varchar(63) NOT NULL, version varchar(64) NOT NULL,
      token_id uuid NOT NULL, actor varchar(128) NOT NULL, at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX deployment_pulls_idx ON "${s}".deployment_pulls (artifact_id, alias, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    for (const t of ['deployment_pulls', 'release_approvals', 'release_requests', 'release_alias_history', 'release_aliases']) await q.query(`DROP TABLE "${s}".${t}`);
  }
}
