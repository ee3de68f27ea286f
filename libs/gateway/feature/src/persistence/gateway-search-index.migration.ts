import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The change feed the regex search index follows (artifacts/search-index.ts): `search_xid` is the id of the
 * transaction that last wrote an artifact's name or README, set on insert by the default and on update by a
 * trigger, so every writer (uploads, ingest events, updates) is covered without remembering to.
 */
export class GatewaySearchIndex1764420000000 implements MigrationInterface {
  name = 'GatewaySearchIndex1764420000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`ALTER TABLE "${s}".artifacts ADD COLUMN search_xid xid8 NOT NULL DEFAULT pg_current_xact_id()`);
    await q.query(`CREATE INDEX artifacts_search_xid_idx ON "${s}".artifacts (search_xid, id)`);
    await q.query(`CREATE FUNCTION "${s}".artifacts_search_touch() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN NEW.search_xid := pg_current_xact_id(); RETURN NEW; END $$`);
    await q.query(`CREATE TRIGGER artifacts_search_touch BEFORE UPDATE OF name, readme ON "${s}".artifacts
      FOR EACH ROW EXECUTE FUNCTION "${s}".artifacts_search_touch()`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`DROP TRIGGER artifacts_search_touch ON "${s}".artifacts`);
    await q.query(`DROP FUNCTION "${s}".artifacts_search_touch()`);
    await q.query(`ALTER TABLE "${s}".artifacts DROP COLUMN search_xid`);
  }
}
