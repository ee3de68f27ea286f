import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AddLineageParents1764330000000 } from './add-lineage-parents.migration';

/**
 * The scoring service's tables:
 *  - scored_artifact: every stored artifact version scoring has seen (models, code, datasets), in arrival order
 *    (`seq`), with the keys a model card can name it by (`match_keys`), so a model is linked to its code and
 *    dataset without asking another service;
 *  - rating_job: one row per model version to rate (unique artifact+version = idempotent), leased to a worker;
 *  - model_rating: the rating of each model version, with why each metric has its score.
 */
export class CreateScoringTables1764320000000 implements MigrationInterface {
  name = 'CreateScoringTables1764320000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE "${s}"."scored_artifact" (
        artifact_id text NOT NULL,
        version text NOT NULL,
        artifact_type text NOT NULL,
        name text NOT NULL,
        url text NOT NULL,
        source text NOT NULL,
        files jsonb NOT NULL,
        metadata jsonb NOT NULL,
        total_bytes bigint NOT NULL,
        match_keys text[] NOT NULL DEFAULT '{}',
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        stored_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (artifact_id, version)
      )`);
    await queryRunner.query(`CREATE INDEX scored_artifact_type_seq_idx ON "${s}"."scored_artifact" (artifact_type, seq DESC)`);
    await queryRunner.query(`CREATE INDEX scored_artifact_match_keys_idx ON "${s}"."scored_artifact" USING gin (match_keys)`);
    await queryRunner.query(`
      CREATE TABLE "${s}"."rating_job" (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        artifact_id text NOT NULL,
        version text NOT NULL,
        causation_id text NOT NULL,
        correlation_id text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
        owner text NOT NULL,
        lease_expires_at timestamptz NOT NULL,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT rating_job_artifact_version_uq UNIQUE (artifact_id, version)
      )`);
    await queryRunner.query(`CREATE INDEX rating_job_claimable_idx ON "${s}"."rating_job" (lease_expires_at) WHERE status IN ('pending', 'running')`);
    await queryRunner.query(`
      CREATE TABLE "${s}"."model_rating" (
        artifact_id text NOT NULL,
        version text NOT NULL,
        name text NOT NULL,
        rating jsonb NOT NULL,
        reasons jsonb NOT NULL,
        fallbacks jsonb NOT NULL,
        linked_code_id text,
        linked_dataset_id text,
        job_id uuid NOT NULL,
        computed_at timestamptz NOT NULL,
        PRIMARY KEY (artifact_id, version)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    for (const table of ['model_rating', 'rating_job', 'scored_artifact']) {
      await queryRunner.query(`DROP TABLE IF EXISTS "${s}"."${table}"`);
    }
  }
}

export const SCORING_MIGRATIONS = [CreateScoringTables1764320000000, AddLineageParents1764330000000];
