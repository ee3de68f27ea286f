import { type Envelope, type PayloadOf, Topic } from '@modelguard/contracts';
import { type EventContext, OnEvent } from '@modelguard/messaging';
import { Injectable } from '@nestjs/common';
import { AuditStreamHub } from './audit-stream-hub';

/**
 * audit.entry-appended.v1 → the live audit stream of this replica looks past its head at once (instead of at its next
 * poll). The payload is not streamed as such: the hub reads entries from the audit service (see audit-stream-hub.ts).
 */
@Injectable()
export class AuditEntryAppendedHandler {
  constructor(private readonly hub: AuditStreamHub) {}

  @OnEvent(Topic.AuditEntryAppended)
  onAppended(_event: Envelope<PayloadOf<typeof Topic.AuditEntryAppended>>, _ctx: EventContext): Promise<void> {
    this.hub.wake();
    return Promise.resolve();
  }
}
