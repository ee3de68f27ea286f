import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A public key an uploader registered for signing their own packages (issue 11.1). Revoked keys are kept, marked. */
@Entity({ name: 'uploader_keys' })
export class UploaderKeyEntity {
  /** sha256 of the DER SubjectPublicKeyInfo (the `keyid` / `hint` a bundle names). */
  @PrimaryColumn({ name: 'key_id', type: 'varchar', length: 64 })
  keyId!: string;

  @Column({ name: 'user_name', type: 'varchar', length: 128 })
  userName!: string;

  @Column({ type: 'varchar', length: 16 })
  algorithm!: string;

  @Column({ name: 'public_key_pem', type: 'text' })
  publicKeyPem!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
