import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The registry's Sigstore bundle over one version's manifest (issue 11.1); goes with its version (ON DELETE CASCADE). */
@Entity({ name: 'artifact_signatures' })
export class ArtifactSignatureEntity {
  @PrimaryColumn({ name: 'artifact_id', type: 'varchar', length: 64 })
  artifactId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  version!: string;

  @Column({ name: 'key_id', type: 'varchar', length: 64 })
  keyId!: string;

  /** The bundle exactly as served (text, not jsonb: jsonb would reorder keys, and clients may hash the file). */
  @Column({ type: 'text' })
  bundle!: string;

  @CreateDateColumn({ name: 'signed_at', type: 'timestamptz' })
  signedAt!: Date;
}
