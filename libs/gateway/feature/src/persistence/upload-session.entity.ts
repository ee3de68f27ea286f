import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type UploadSessionState = 'open' | 'completing' | 'completed';

/**
 * A resumable upload (packages/upload-sessions.service.ts): the bytes live in a spool file in the gateway's scratch
 * directory; this row records whose it is and how many bytes of it are acknowledged, so a gateway restart keeps it.
 */
@Entity({ name: 'upload_sessions' })
export class UploadSessionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  owner!: string;

  @Column({ name: 'artifact_type', type: 'varchar', length: 16 })
  artifactType!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'varchar', length: 65, nullable: true })
  version!: string | null;

  /** bigint columns come back as strings; the service converts (sizes stay far below 2^53). */
  @Column({ name: 'total_bytes', type: 'bigint' })
  totalBytes!: string;

  @Column({ name: 'received_bytes', type: 'bigint' })
  receivedBytes!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: UploadSessionState;

  @Column({ name: 'artifact_id', type: 'varchar', length: 64, nullable: true })
  artifactId!: string | null;

  /** Moved forward by every accepted chunk: an idle session expires, an active one never does. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
