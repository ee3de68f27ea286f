import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * lineage_parent: each model's registered lineage parents (models, and the datasets and code it derives from), as the lineage service's
 * lineage.lineage-changed.v1 events last described them. tree_score is the mean net_score of these parents; the
 * index on parent_id finds the children to re-rate when a parent's rating changes.
 */
export class AddLineageParents1764330000000 implements MigrationInterface {
  name = 'AddLineageParents1764330000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`
      CREATE TABLE "${s}"."lineage_parent" (
        child_id text NOT NULL,
        parent_id text NOT NULL,
        parent_name text NOT NULL,
        relationship text NOT NULL,
        PRIMARY KEY (child_id, parent_id)
      )`);
    await q.query(`CREATE INDEX lineage_parent_parent_idx ON "${s}"."lineage_parent" (parent_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS "${schemaOf(q)}"."lineage_parent"`);
  }
}
