import { defineEvent } from '../../catalogue/event-contract';
import { AuditLogEntryV1 } from '../../queries/audit-entries/v1';

/**
 * One entry appended to the audit chain, exactly as the security log serves it (`GET /audit/entries`): its id is the
 * chain position (the SSE `id:`), `prevHash` the link of the entry before it, so a consumer can tell from the chain
 * itself whether it missed an entry (and catch up through the AuditEntries query). Published through the audit
 * service's outbox in the transaction that appends the entry, keyed `audit-chain`: the chain is one total order, and
 * one key keeps it on one partition, in order. Producer: audit. Consumer: gateway (the live SSE fan-out).
 */
export const AuditEntryAppendedV1 = AuditLogEntryV1;
export type AuditEntryAppendedV1 = AuditLogEntryV1;

/** The partition key of every audit.entry-appended.v1 event (see above). */
export const AUDIT_ENTRY_APPENDED_KEY = 'audit-chain';

export const AuditEntryAppendedEvent = defineEvent({
  name: 'AuditEntryAppended',
  topic: 'audit.entry-appended.v1',
  schema: AuditEntryAppendedV1,
  summary: 'an entry appended to the keyed audit chain (id, links, facts)',
  producers: ['audit'],
  consumers: ['gateway'],
});
