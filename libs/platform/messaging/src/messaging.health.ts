import { Inject, Injectable } from '@nestjs/common';
import type { HealthCheckResult, HealthIndicatorLike } from '@modelguard/persistence';
import { OutboxRelay } from './outbox/outbox-relay';
import { TRANSPORT_CLIENT, type TransportClient } from './transport-client';

/** Outbox older than this means events are not flowing (broker down or relay stuck). */
const STUCK_AFTER_MS = 30_000;

/**
 * Message bus health as the service experiences it: can it publish (producer state, relay errors) and is
 * its outbox draining. Id 'kafka' or 'message-bus' depending on the transport.
 */
@Injectable()
export class MessagingHealthIndicator implements HealthIndicatorLike {
  readonly id: string;
  readonly displayName: string;

  constructor(
    @Inject(TRANSPORT_CLIENT) private readonly transport: TransportClient,
    private readonly relay: OutboxRelay,
  ) {
    this.id = transport.kind === 'kafka' ? 'kafka' : 'message-bus';
    this.displayName = transport.kind === 'kafka' ? 'Kafka' : 'In-process message bus';
  }

  async check(): Promise<HealthCheckResult> {
    const status = this.transport.status();
    let backlog: { pending: number; oldestAgeMs: number };
    try {
      backlog = await this.relay.backlog();
    } catch (err) {
      return { status: 'unknown', description: `outbox unreadable: ${err instanceof Error ? err.message : String(err)}` };
    }
    const metrics = { transport: this.transport.kind, producer: status, outboxPending: backlog.pending, outboxOldestAgeMs: backlog.oldestAgeMs };
    const relayError = this.relay.error;
    if (relayError && backlog.oldestAgeMs > STUCK_AFTER_MS) {
      return { status: 'critical', description: `outbox not draining: ${relayError}`, metrics };
    }
    if (relayError || backlog.oldestAgeMs > STUCK_AFTER_MS) {
      return { status: 'degraded', description: relayError ?? 'outbox draining slowly', metrics };
    }
    return { status: 'ok', metrics };
  }
}
