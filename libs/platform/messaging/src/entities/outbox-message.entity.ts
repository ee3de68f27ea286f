import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A message waiting to be (or already) published. Written in the producer's own transaction, so an event
 * exists if and only if the state change that caused it committed. The relay publishes rows in id order.
 */
@Entity({ name: 'outbox' })
export class OutboxMessageEntity {
  /** bigint comes back from pg as a string; it is only used for ordering and marking. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'event_id', type: 'uuid', unique: true })
  eventId!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ type: 'text' })
  key!: string;

  @Column({ type: 'jsonb' })
  envelope!: Record<string, unknown>;

  /** Trace context captured at enqueue time. */
  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  headers!: Record<string, string>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  /** Set while a relay publishes the row (no lock is held across the broker call); expires if that relay dies. */
  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true })
  claimedUntil!: Date | null;
}
