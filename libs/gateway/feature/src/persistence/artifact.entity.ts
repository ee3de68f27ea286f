import type { ArtifactType } from '@modelguard/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One registered artifact; its content lives in immutable versions (artifact-version.entity.ts). */
@Entity({ name: 'artifacts' })
export class ArtifactEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  /** Monotonic insertion order: the keyset for pagination (ids are random, so they cannot order pages). */
  @Column({ type: 'bigint', insert: false, update: false })
  seq!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: ArtifactType;

  @Column({ type: 'text' })
  name!: string;

  /** Source URL of the latest version; unique per type so the same upstream cannot be registered twice. */
  @Column({ type: 'text' })
  url!: string;

  @Column({ name: 'latest_version', type: 'varchar', length: 64 })
  latestVersion!: string;

  /** README / model card text of the latest stored version, truncated to a bounded size for regex search. */
  @Column({ type: 'text', nullable: true })
  readme!: string | null;

  /** The user who registered it: only they or an admin may update or delete it (null: admins only). */
  @Column({ type: 'varchar', length: 128, nullable: true })
  owner!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
