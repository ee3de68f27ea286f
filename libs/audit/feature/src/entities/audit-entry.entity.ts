import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Everything that happened to artifacts; DELETE is stored too although the public API cannot show it. */
export const AUDIT_ACTIONS = ['CREATE', 'UPDATE', 'DOWNLOAD', 'DELETE', 'RATE', 'AUDIT'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * One audit log entry. Entries form a hash chain in id order: `hash = sha256(prev_hash + canonical entry)`,
 * so editing, deleting or reordering any stored entry breaks every later hash (see audit-chain.ts).
 */
@Entity({ name: 'audit_entry' })
@Index('IDX_audit_entry_artifact', ['artifactId', 'occurredAt'])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Index('UQ_audit_entry_event_id', { unique: true })
  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'artifact_id', type: 'text' })
  artifactId!: string;

  @Column({ name: 'artifact_type', type: 'text' })
  artifactType!: string;

  @Column({ name: 'artifact_name', type: 'text' })
  artifactName!: string;

  @Column({ type: 'text' })
  action!: AuditAction;

  @Column({ name: 'user_name', type: 'text' })
  userName!: string;

  @Column({ name: 'user_is_admin', type: 'boolean' })
  userIsAdmin!: boolean;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash!: string;

  @Column({ type: 'char', length: 64 })
  hash!: string;
}
