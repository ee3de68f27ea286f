import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Assembled full-package zips (issue 13): the first full download of a version is teed into the blob store, and later
 * full downloads stream that blob as it is. `cache_key` hashes everything the zip's bytes depend on (the manifest and
 * the extra files such as the signature bundle, see packages/package-zip-cache.ts), so a re-signed or rewritten
 * version simply misses the cache. The janitor keeps a blob alive while a row names it (blob-references.ts).
 */
export class GatewayPackageZips1764480000000 implements MigrationInterface {
  name = 'GatewayPackageZips1764480000000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`CREATE TABLE "${s}".package_zips (
      cache_key varchar(64) PRIMARY KEY,
      artifact_id varchar(64) NOT NULL REFERENCES "${s}".artifacts(id) ON DELETE CASCADE,
      version varchar(64) NOT NULL, zip_sha256 varchar(64) NOT NULL, zip_size bigint NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX package_zips_sha_idx ON "${s}".package_zips (zip_sha256)`);
    await q.query(`CREATE INDEX package_zips_artifact_idx ON "${s}".package_zips (artifact_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`DROP TABLE "${s}".package_zips`);
  }
}
