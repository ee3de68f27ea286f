import { type Envelope, type PayloadOf, Topic } from '@modelguard/contracts';
import { type EventContext, OnEvent } from '@modelguard/messaging';
import { Injectable } from '@nestjs/common';
import { AuditStreamHub } from './audit-stream-hub';

/**
 * audit.entry-appended.v1 → the live audit stream of this replica looks past its head at once (instead of at its next
 * poll). The payload is not streamed as such: the hub reads entries from the audit service (see audit-stream-hub.ts).
 * A wake writes nothing and a second one is harmless, so it takes no transaction and no inbox row: every audit entry
 * (one per download) used to cost this service a BEGIN, an inbox INSERT and a COMMIT, and an inbox row kept for days.
 */
@Injectable()
export class AuditEntryAppendedHandler {
  constructor(private readonly hub: AuditStreamHub) {}

  @OnEvent(Topic.AuditEntryAppended, { inbox: false })
  onAppended(_event: Envelope<PayloadOf<typeof Topic.AuditEntryAppended>>, _ctx: EventContext): Promise<void> {
    this.hub.wake();
    return Promise.resolve();
  }
}
