import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sealing of sensitive models' blobs as leased jobs (encryption/seal-job.store.ts), the same leasing columns as the
 * scan, ingest and rating jobs: one row per artifact (unique, so a second request while one is queued adds nothing),
 * `generation` counts the requests so a pass that started before a new version arrived runs again. The row goes with
 * its artifact (delete, reset).
 */
export class GatewaySealJobs1764920000000 implements MigrationInterface {
  name = 'GatewaySealJobs1764920000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`CREATE TABLE "${s}".seal_jobs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      artifact_id varchar(64) NOT NULL REFERENCES "${s}".artifacts(id) ON DELETE CASCADE,
      generation integer NOT NULL DEFAULT 0,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
      owner text NOT NULL,
      lease_expires_at timestamptz NOT NULL,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT seal_jobs_artifact_uq UNIQUE (artifact_id))`);
    await q.query(`CREATE INDEX seal_jobs_claimable_idx ON "${s}".seal_jobs (lease_expires_at) WHERE status IN ('pending', 'running')`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`DROP TABLE "${s}".seal_jobs`);
  }
}
