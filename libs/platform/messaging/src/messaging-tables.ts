import { InboxMessageEntity } from './entities/inbox-message.entity';
import { OutboxMessageEntity } from './entities/outbox-message.entity';
import { MessagingTables1700000000000 } from './migrations/1700000000000-messaging-tables';
import { OutboxClaims1700000000001 } from './migrations/1700000000001-outbox-claims';

/**
 * Entities and migrations of the outbox/inbox tables. ServicePlatformModule adds them to every service's
 * PersistenceModule automatically; only code wiring PersistenceModule by hand needs these.
 */
export const messagingEntities = [OutboxMessageEntity, InboxMessageEntity];

/** Migrations of the outbox/inbox tables; they write into the schema of the DataSource that runs them (schemaOf). */
export function messagingMigrations() {
  return [MessagingTables1700000000000, OutboxClaims1700000000001];
}
