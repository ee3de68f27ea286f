import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per (consumer, event) processed. Inserted in the handler's own transaction: if the handler's
 * writes commit, so does this row, and a redelivered event finds it and is skipped (exactly-once effect).
 */
@Entity({ name: 'inbox' })
export class InboxMessageEntity {
  @PrimaryColumn({ type: 'text' })
  consumer!: string;

  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ name: 'processed_at', type: 'timestamptz', default: () => 'now()' })
  processedAt!: Date;
}
