import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A Hugging Face-style personal access token (`hf_…`) of a user, for the HF mirror (hf-mirror/). Only the SHA-256 of
 * the token is kept: the plain value is shown once, at creation. Revoked rows stay (listed as revoked) until the user
 * goes (ON DELETE CASCADE).
 */
@Entity({ name: 'hf_tokens' })
export class HfTokenEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'user_name', type: 'varchar', length: 128 })
  userName!: string;

  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  @Column({ type: 'varchar', length: 100 })
  label!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
