import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lineage service's tables:
 *  - lineage_artifact: every registered artifact lineage has seen (latest stored version): its size, the keys a
 *    parent reference can name it by, how its own metadata read, and its arrival order (`seq`, for the "stored
 *    before the model" link fallback);
 *  - lineage_parent_ref: what a model's metadata names as parents, in precedence order, and what each resolved to
 *    (`resolved` with the parent, `pending` until it is registered, `rejected` when it would be the model itself or
 *    close a cycle);
 *  - lineage_edge: the graph, parent → child, between registered artifacts only (resolved references and the
 *    code/dataset links of registration). Deleting an artifact deletes its edges both ways.
 */
export class CreateLineageTables1764400000000 implements MigrationInterface {
  name = 'CreateLineageTables1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`CREATE SEQUENCE "${s}"."lineage_artifact_seq"`);
    await queryRunner.query(`
      CREATE TABLE "${s}"."lineage_artifact" (
        artifact_id text PRIMARY KEY,
        artifact_type text NOT NULL CHECK (artifact_type IN ('model', 'dataset', 'code')),
        name text NOT NULL,
        version text NOT NULL,
        url text NOT NULL,
        repository_url text,
        revision text,
        total_bytes bigint NOT NULL,
        keys text[] NOT NULL DEFAULT '{}',
        code_keys text[] NOT NULL DEFAULT '{}',
        lineage_source text NOT NULL,
        metadata_status text NOT NULL CHECK (metadata_status IN ('ok', 'partial', 'unreadable')),
        problems jsonb NOT NULL DEFAULT '[]',
        refs_truncated boolean NOT NULL DEFAULT false,
        seq bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX lineage_artifact_keys_idx ON "${s}"."lineage_artifact" USING gin (keys)`);
    await queryRunner.query(`CREATE INDEX lineage_artifact_code_keys_idx ON "${s}"."lineage_artifact" USING gin (code_keys)`);
    await queryRunner.query(`CREATE INDEX lineage_artifact_type_seq_idx ON "${s}"."lineage_artifact" (artifact_type, seq DESC)`);
    await queryRunner.query(`
      CREATE TABLE "${s}"."lineage_parent_ref" (
        child_id text NOT NULL REFERENCES "${s}"."lineage_artifact" (artifact_id) ON DELETE CASCADE,
        ordinal integer NOT NULL,
        kind text NOT NULL CHECK (kind IN ('model', 'dataset')),
        upstream_id text NOT NULL,
        lookup_keys text[] NOT NULL,
        relationship text NOT NULL,
        source text NOT NULL,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'resolved', 'rejected')),
        parent_id text,
        note text,
        PRIMARY KEY (child_id, ordinal)
      )`);
    await queryRunner.query(`CREATE INDEX lineage_parent_ref_lookup_idx ON "${s}"."lineage_parent_ref" USING gin (lookup_keys)`);
    await queryRunner.query(`
      CREATE TABLE "${s}"."lineage_edge" (
        child_id text NOT NULL REFERENCES "${s}"."lineage_artifact" (artifact_id) ON DELETE CASCADE,
        parent_id text NOT NULL REFERENCES "${s}"."lineage_artifact" (artifact_id) ON DELETE CASCADE,
        relationship text NOT NULL,
        source text NOT NULL,
        ordinal integer NOT NULL,
        PRIMARY KEY (child_id, parent_id),
        CHECK (child_id <> parent_id)
      )`);
    await queryRunner.query(`CREATE INDEX lineage_edge_parent_idx ON "${s}"."lineage_edge" (parent_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    for (const table of ['lineage_edge', 'lineage_parent_ref', 'lineage_artifact']) await queryRunner.query(`DROP TABLE IF EXISTS "${s}"."${table}"`);
    await queryRunner.query(`DROP SEQUENCE IF EXISTS "${s}"."lineage_artifact_seq"`);
  }
}

export const LINEAGE_MIGRATIONS = [CreateLineageTables1764400000000];
