import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The uploader's own verified signature over a version's manifest; goes with its version (ON DELETE CASCADE). */
@Entity({ name: 'uploader_signatures' })
export class UploaderSignatureEntity {
  @PrimaryColumn({ name: 'artifact_id', type: 'varchar', length: 64 })
  artifactId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  version!: string;

  @Column({ name: 'key_id', type: 'varchar', length: 64 })
  keyId!: string;

  @Column({ name: 'user_name', type: 'varchar', length: 128 })
  userName!: string;

  /** The uploader's bundle exactly as sent. */
  @Column({ type: 'text' })
  bundle!: string;

  @CreateDateColumn({ name: 'verified_at', type: 'timestamptz' })
  verifiedAt!: Date;
}
