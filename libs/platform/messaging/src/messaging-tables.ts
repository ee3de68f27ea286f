import { InboxMessageEntity } from './entities/inbox-message.entity';
import { OutboxMessageEntity } from './entities/outbox-message.entity';
import { MessagingTables1700000000000 } from './migrations/1700000000000-messaging-tables';

/**
 * Entities and migrations of the outbox/inbox tables. ServicePlatformModule adds them to every service's
 * PersistenceModule automatically; only code wiring PersistenceModule by hand needs these.
 */
export const messagingEntities = [OutboxMessageEntity, InboxMessageEntity];

/** The migrations read the schema from the DataSource, so the argument only documents intent. */
export function messagingMigrations(_schema?: string) {
  return [MessagingTables1700000000000];
}
