import type { ManifestEntry } from '@modelguard/contracts';
import type { ScanState } from '@modelguard/domain';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type IngestState = 'ingesting' | 'stored' | 'failed';
/**
 * The ingest gate (artifacts/rating-gate.ts) for a model fetched from Hugging Face: `pending` until its rating's
 * verdict arrives, then `passed` or `rejected` for good. NULL for versions the gate does not apply to.
 */
export type RatingGateState = 'pending' | 'passed' | 'rejected';
export type { ScanState };

/** An immutable version of an artifact: PUT adds a row, it never rewrites an old one (only its state columns). */
@Entity({ name: 'artifact_versions' })
export class ArtifactVersionEntity {
  @PrimaryColumn({ name: 'artifact_id', type: 'varchar', length: 64 })
  artifactId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  version!: string;

  /** 0 for the first version, then 1, 2… — orders versions without parsing them. */
  @Column({ type: 'int' })
  ordinal!: number;

  /**
   * The release the source says this is (a Hugging Face git tag `v1.2.0` → `1.2.0`), when it says one. `version`
   * stays the key every service uses; users see and query the label (domain/version-query.ts `shownVersion`).
   */
  @Column({ name: 'version_label', type: 'varchar', length: 64, nullable: true })
  versionLabel!: string | null;

  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  source!: string | null;

  @Column({ name: 'ingest_state', type: 'varchar', length: 16 })
  ingestState!: IngestState;

  @Column({ name: 'ingest_error', type: 'text', nullable: true })
  ingestError!: string | null;

  @Column({ name: 'scan_state', type: 'varchar', length: 16 })
  scanState!: ScanState;

  @Column({ name: 'scan_reason', type: 'text', nullable: true })
  scanReason!: string | null;

  /** Set when an admin explicitly allowed downloading a blocked version (audited). */
  @Column({ name: 'override_by', type: 'text', nullable: true })
  overrideBy!: string | null;

  @Column({ name: 'override_reason', type: 'text', nullable: true })
  overrideReason!: string | null;

  @Column({ name: 'rating_state', type: 'varchar', length: 16, nullable: true })
  ratingState!: RatingGateState | null;

  /** Why the gate rejected the version: each failing metric and its value. */
  @Column({ name: 'rating_reason', type: 'text', nullable: true })
  ratingReason!: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  files!: ManifestEntry[];

  /**
   * The claim-check blobs of the version's package event (manifest JSON, README text); NULL for versions announced
   * before claim checks. Kept so the orphan janitor treats them as referenced while the version exists.
   */
  @Column({ name: 'manifest_sha256', type: 'varchar', length: 64, nullable: true })
  manifestSha256!: string | null;

  @Column({ name: 'readme_sha256', type: 'varchar', length: 64, nullable: true })
  readmeSha256!: string | null;

  @Column({ name: 'total_bytes', type: 'bigint', default: 0 })
  totalBytes!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
