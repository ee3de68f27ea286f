import { Column, Entity, PrimaryColumn } from 'typeorm';

export type IngestionStatus = 'stored' | 'failed';

/**
 * One row per (artifact, version): the outcome of fetching it upstream. A repeated request for a stored
 * version re-announces the stored result instead of downloading again.
 */
@Entity({ name: 'ingestion' })
export class IngestionEntity {
  @PrimaryColumn({ name: 'artifact_id', type: 'text' })
  artifactId!: string;

  @PrimaryColumn({ type: 'text' })
  version!: string;

  @Column({ name: 'artifact_type', type: 'text' })
  artifactType!: string;

  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'text' })
  status!: IngestionStatus;

  /** Delivery attempts spent on the latest outcome (1 = first try). */
  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz' })
  finishedAt!: Date;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** The PackageStored payload that was published, kept to answer repeated requests (re-validated on read). */
  @Column({ type: 'jsonb', nullable: true })
  result!: Record<string, unknown> | null;
}
