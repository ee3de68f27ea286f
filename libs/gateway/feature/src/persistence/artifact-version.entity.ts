import type { ManifestEntry } from '@modelguard/contracts';
import type { ScanState } from '@modelguard/domain';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type IngestState = 'ingesting' | 'stored' | 'failed';
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

  @Column({ type: 'jsonb', default: () => "'[]'" })
  files!: ManifestEntry[];

  @Column({ name: 'total_bytes', type: 'bigint', default: 0 })
  totalBytes!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
