import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One issued token (by its JWT id). The durable side of token accounting: revocations and an upper bound on the
 * uses already granted live here, so neither is lost when the cache that counts the uses restarts or evicts.
 */
@Entity({ name: 'auth_tokens' })
export class AuthTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'user_name', type: 'varchar', length: 128 })
  userName!: string;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** Uses that may have been granted so far (reserved ahead in blocks, see token-ledger.ts); never decreases. */
  @Column({ name: 'uses_reserved', type: 'int' })
  usesReserved!: number;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** When the cache marker of this revocation was known set; NULL while the reconciler still owes it one. */
  @Column({ name: 'revocation_marked_at', type: 'timestamptz', nullable: true })
  revocationMarkedAt!: Date | null;
}
