import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read model of the package-confusion audit, written only by event consumers (confusion/popularity.handlers.ts):
 * popularity counters per artifact, and a rolling record of its most recent downloads (who, from where, when) for
 * the traffic-anomaly signals. Both go with their artifact (ON DELETE CASCADE): a delete or a registry reset, which
 * deletes every artifact in its transaction, clears them.
 */
export class GatewayPopularity1764380000000 implements MigrationInterface {
  name = 'GatewayPopularity1764380000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`CREATE TABLE "${s}".artifact_popularity (
      artifact_id varchar(64) PRIMARY KEY REFERENCES "${s}".artifacts(id) ON DELETE CASCADE,
      search_appearances bigint NOT NULL DEFAULT 0, downloads bigint NOT NULL DEFAULT 0)`);
    await q.query(`CREATE TABLE "${s}".download_traffic (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      artifact_id varchar(64) NOT NULL REFERENCES "${s}".artifacts(id) ON DELETE CASCADE,
      at timestamptz NOT NULL, actor text NOT NULL, client_address varchar(128))`);
    await q.query(`CREATE INDEX download_traffic_artifact_at_idx ON "${s}".download_traffic (artifact_id, at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`DROP TABLE "${s}".download_traffic`);
    await q.query(`DROP TABLE "${s}".artifact_popularity`);
  }
}
