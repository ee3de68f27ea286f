import { Column, Entity, PrimaryColumn } from 'typeorm';

/** pending → running → stored | failed; a refreshed request puts a finished row back to pending. */
export type IngestionStatus = 'pending' | 'running' | 'stored' | 'failed';

/**
 * One row per (artifact, version): the ingest job and, once finished, its outcome. A repeated request for a
 * stored version re-announces the stored result instead of downloading again. The SQL that moves jobs
 * through their states lives in IngestJobStore; this entity is the read model of the table.
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

  @Column({ type: 'text', nullable: true })
  name!: string | null;

  @Column({ type: 'text' })
  status!: IngestionStatus;

  /** Download attempts spent on the current request (1 = first try); 0 while never claimed. */
  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** The PackageStored payload that was published, kept to answer repeated requests (re-validated on read). */
  @Column({ type: 'jsonb', nullable: true })
  result!: Record<string, unknown> | null;

  /** The IngestRequested event the outcome will be caused by. */
  @Column({ name: 'causation_id', type: 'text', nullable: true })
  causationId!: string | null;

  @Column({ name: 'correlation_id', type: 'text', nullable: true })
  correlationId!: string | null;

  /** The worker instance that owns the job (the one that consumed the request, or took over an orphan). */
  @Column({ type: 'text', nullable: true })
  owner!: string | null;

  /** Changes on every claim: a worker whose claim was superseded can no longer finish the job. */
  @Column({ name: 'claim_token', type: 'uuid', nullable: true })
  claimToken!: string | null;

  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true })
  leaseExpiresAt!: Date | null;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
