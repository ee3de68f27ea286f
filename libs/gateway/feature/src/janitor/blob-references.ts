import { qualifiedTable } from '@modelguard/persistence';
import type { DataSource } from 'typeorm';

/**
 * Which of `sha256s` the gateway still references: a file of any artifact version's manifest (any state: a blocked
 * version is still kept for review until its artifact is deleted), a version's claim-check blobs (the manifest and
 * README its package event points at, so a redelivered event still resolves) or a sensitive model's monitor program, or an assembled package zip (packages/package-zip-cache.ts) unless its
 * model has since been marked sensitive (a plaintext copy must not outlive the sealing). Manifest
 * signatures live in the database as text, not as blobs. One query per listed page, each probe an index lookup
 * (GatewayJanitor migration), so the cost grows with the page, not with the registry.
 */
export async function referencedBlobs(dataSource: DataSource, sha256s: readonly string[]): Promise<Set<string>> {
  if (sha256s.length === 0) return new Set();
  const versions = qualifiedTable(dataSource, 'artifact_versions');
  const sensitive = qualifiedTable(dataSource, 'sensitive_models');
  const zips = qualifiedTable(dataSource, 'package_zips');
  const rows: { sha256: string }[] = await dataSource.query(
    `SELECT c.sha256 FROM unnest($1::text[]) AS c(sha256)
      WHERE EXISTS (SELECT 1 FROM ${versions} v WHERE v.files @> jsonb_build_array(jsonb_build_object('sha256', c.sha256)))
         OR EXISTS (SELECT 1 FROM ${versions} v WHERE v.manifest_sha256 = c.sha256)
         OR EXISTS (SELECT 1 FROM ${versions} v WHERE v.readme_sha256 = c.sha256)
         OR EXISTS (SELECT 1 FROM ${sensitive} m WHERE m.program_sha256 = c.sha256)
         OR EXISTS (SELECT 1 FROM ${zips} z WHERE z.zip_sha256 = c.sha256
                     AND NOT EXISTS (SELECT 1 FROM ${sensitive} m WHERE m.artifact_id = z.artifact_id))`,
    [sha256s],
  );
  return new Set(rows.map((r) => r.sha256));
}
