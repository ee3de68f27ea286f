import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Where an alias points now. `revision` grows on every move: a move is a compare-and-set on it (one winner). */
@Entity({ name: 'release_aliases' })
export class ReleaseAliasEntity {
  @PrimaryColumn({ name: 'artifact_id', type: 'varchar', length: 64 })
  artifactId!: string;

  @PrimaryColumn({ type: 'varchar', length: 63 })
  alias!: string;

  /** NULL until the alias's first promotion (the row exists from the first request on, to carry the revision). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  version!: string | null;

  @Column({ type: 'int' })
  revision!: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'updated_by', type: 'varchar', length: 128, nullable: true })
  updatedBy!: string | null;
}

export type AliasMoveKind = 'promotion' | 'rollback';

/** Every move of an alias, never rewritten except `rolledBack` (a rollback pops the promotion it undoes). */
@Entity({ name: 'release_alias_history' })
export class ReleaseAliasHistoryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'artifact_id', type: 'varchar', length: 64 })
  artifactId!: string;

  @Column({ type: 'varchar', length: 63 })
  alias!: string;

  @Column({ name: 'from_version', type: 'varchar', length: 64, nullable: true })
  fromVersion!: string | null;

  @Column({ name: 'to_version', type: 'varchar', length: 64 })
  toVersion!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: AliasMoveKind;

  @Column({ type: 'varchar', length: 128 })
  actor!: string;

  @Column({ name: 'request_id', type: 'uuid', nullable: true })
  requestId!: string | null;

  @Column({ type: 'jsonb' })
  approvers!: string[];

  @Column({ name: 'rolled_back', type: 'boolean' })
  rolledBack!: boolean;

  @Column({ type: 'timestamptz' })
  at!: Date;
}

export type ReleaseRequestState = 'pending' | 'applied' | 'rejected' | 'expired' | 'superseded';

@Entity({ name: 'release_requests' })
export class ReleaseRequestEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'artifact_id', type: 'varchar', length: 64 })
  artifactId!: string;

  @Column({ type: 'varchar', length: 63 })
  alias!: string;

  @Column({ type: 'varchar', length: 64 })
  version!: string;

  @Column({ name: 'requested_by', type: 'varchar', length: 128 })
  requestedBy!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: ReleaseRequestState;

  /** The alias revision the request was made against: if the alias moved since, applying it is refused (409). */
  @Column({ name: 'base_revision', type: 'int' })
  baseRevision!: number;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'decided_by', type: 'varchar', length: 128, nullable: true })
  decidedBy!: string | null;

  @Column({ name: 'decision_reason', type: 'text', nullable: true })
  decisionReason!: string | null;
}

@Entity({ name: 'release_approvals' })
export class ReleaseApprovalEntity {
  @PrimaryColumn({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  @PrimaryColumn({ type: 'varchar', length: 128 })
  approver!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;
}

/** One fetch through an alias-scoped deployment token. */
@Entity({ name: 'deployment_pulls' })
export class DeploymentPullEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'artifact_id', type: 'varchar', length: 64 })
  artifactId!: string;

  @Column({ type: 'varchar', length: 63 })
  alias!: string;

  @Column({ type: 'varchar', length: 64 })
  version!: string;

  @Column({ name: 'token_id', type: 'uuid' })
  tokenId!: string;

  @Column({ type: 'varchar', length: 128 })
  actor!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;
}

export const releaseEntities = [ReleaseAliasEntity, ReleaseAliasHistoryEntity, ReleaseRequestEntity, ReleaseApprovalEntity, DeploymentPullEntity];
