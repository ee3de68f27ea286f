import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A page of `POST /artifacts` with a type filter (`type IN (…) AND seq > :offset ORDER BY seq LIMIT 100`) had no
 * index that gives both conditions and the order. After a bulk load, before statistics catch up (PGlite has no
 * autovacuum, so in embedded mode they never do), Postgres chose a bitmap AND of (type, url) and seq over a third of
 * the table: 621 ms cold at 100,000 artifacts against 0.9 ms with this index (bench/RESULTS.md, lookups section).
 */
export class GatewayTypeSeqIndex1764913000000 implements MigrationInterface {
  name = 'GatewayTypeSeqIndex1764913000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX artifacts_type_seq_idx ON "${schemaOf(q)}".artifacts (type, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "${schemaOf(q)}".artifacts_type_seq_idx`);
  }
}
