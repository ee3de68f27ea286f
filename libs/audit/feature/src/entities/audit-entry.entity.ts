import { SECURITY_ACTIONS } from '@modelguard/contracts';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Everything that happened to artifacts, every refusal (REFUSE), every registry reset (RESET) and the gateway's
 * security actions (sign-in, sign-out, token revocation, account changes: gateway.security-event.v1). Only the spec's
 * actions are served by the artifact audit (its action enum has none of the others).
 */
export const AUDIT_ACTIONS = ['CREATE', 'UPDATE', 'DOWNLOAD', 'DELETE', 'RATE', 'AUDIT', 'REFUSE', 'RESET', ...SECURITY_ACTIONS] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * One audit log entry. Entries form a keyed chain in id order: `hash = HMAC-SHA256(key, prev_hash + canonical entry)`,
 * so editing, deleting or reordering any stored entry breaks every later hash (see audit-chain.ts). Artifact and
 * user columns are null only on refusals (anonymous caller, no artifact named); the refusal columns only elsewhere.
 */
@Entity({ name: 'audit_entry' })
@Index('IDX_audit_entry_artifact', ['artifactId', 'occurredAt'])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Index('UQ_audit_entry_event_id', { unique: true })
  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'artifact_id', type: 'text', nullable: true })
  artifactId!: string | null;

  @Column({ name: 'artifact_type', type: 'text', nullable: true })
  artifactType!: string | null;

  @Column({ name: 'artifact_name', type: 'text', nullable: true })
  artifactName!: string | null;

  @Column({ type: 'text' })
  action!: AuditAction;

  @Column({ name: 'user_name', type: 'text', nullable: true })
  userName!: string | null;

  @Column({ name: 'user_is_admin', type: 'boolean', nullable: true })
  userIsAdmin!: boolean | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  /** Refusals only: the HTTP status answered. */
  @Column({ type: 'smallint', nullable: true })
  status!: number | null;

  /** Refusals only: the reason code (@modelguard/contracts REFUSAL_REASONS). */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'http_method', type: 'text', nullable: true })
  httpMethod!: string | null;

  /** Refusals only: the route template, never the raw URL. */
  @Column({ type: 'text', nullable: true })
  route!: string | null;

  @Column({ name: 'client_address', type: 'text', nullable: true })
  clientAddress!: string | null;

  /** Refusals only: the client-facing message (bounded, scrubbed by the gateway). */
  @Column({ type: 'text', nullable: true })
  message!: string | null;

  /** Refusals only: identical refusals answered but not recorded one by one before this entry. */
  @Column({ type: 'integer', nullable: true })
  suppressed!: number | null;

  /** Download-gate overrides only (an UPDATE entry): the admin's reason. */
  @Column({ name: 'override_reason', type: 'text', nullable: true })
  overrideReason!: string | null;

  /** Download-gate overrides only: the scan verdict that was set aside (blocked or flagged). */
  @Column({ name: 'overridden_verdict', type: 'text', nullable: true })
  overriddenVerdict!: string | null;

  /** Security actions only: what was acted on (a user name, a token id), never a secret. */
  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  /** Security actions only: a short detail (e.g. the new user's permissions). */
  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  /** Id of the chain key that linked this entry (chain-key.ts); null only on rows written before keys, never verified. */
  @Column({ name: 'key_id', type: 'text', nullable: true })
  keyId!: string | null;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash!: string;

  @Column({ type: 'char', length: 64 })
  hash!: string;
}
