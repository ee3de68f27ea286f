import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * Every public key the registry has signed with. Never deleted (not even by reset): after a rotation, bundles signed
 * with an old key must still verify, so its public key stays published.
 */
@Entity({ name: 'signing_keys' })
export class SigningKeyEntity {
  @PrimaryColumn({ name: 'key_id', type: 'varchar', length: 64 })
  keyId!: string;

  @Column({ name: 'public_key_pem', type: 'text' })
  publicKeyPem!: string;

  @CreateDateColumn({ name: 'first_used_at', type: 'timestamptz' })
  firstUsedAt!: Date;
}
