import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Claim checks (issue 11.5): a version's package event carries its manifest and README as blobs. The version row
 * records both digests so the orphan janitor keeps those blobs while the version exists and collects them after it
 * is deleted, like the package's own files; the indexes make "is this blob a claim of any version" an index probe.
 */
export class GatewayClaimChecks1764415500000 implements MigrationInterface {
  name = 'GatewayClaimChecks1764415500000';

  async up(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`ALTER TABLE "${s}".artifact_versions ADD COLUMN manifest_sha256 varchar(64) NULL, ADD COLUMN readme_sha256 varchar(64) NULL`);
    await q.query(`CREATE INDEX artifact_versions_manifest_sha256_idx ON "${s}".artifact_versions (manifest_sha256)`);
    await q.query(`CREATE INDEX artifact_versions_readme_sha256_idx ON "${s}".artifact_versions (readme_sha256)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = schemaOf(q);
    await q.query(`DROP INDEX "${s}".artifact_versions_readme_sha256_idx`);
    await q.query(`DROP INDEX "${s}".artifact_versions_manifest_sha256_idx`);
    await q.query(`ALTER TABLE "${s}".artifact_versions DROP COLUMN readme_sha256, DROP COLUMN manifest_sha256`);
  }
}
