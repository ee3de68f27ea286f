import { Inject, Injectable } from '@nestjs/common';
import type { HealthCheckResult, HealthIndicatorLike } from '@modelguard/persistence';
import { WAITING_FOR_BROKER } from './kafka/kafka-messaging.server';
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
  /** Last status reported by the consumer transport (`connected`, `rebalancing`, `crashed`, …), if any. */
  private consumerStatus: string | undefined;

  constructor(
    @Inject(TRANSPORT_CLIENT) private readonly transport: TransportClient,
    private readonly relay: OutboxRelay,
  ) {
    this.id = transport.kind === 'kafka' ? 'kafka' : 'message-bus';
    this.displayName = transport.kind === 'kafka' ? 'Kafka' : 'In-process message bus';
  }

  /** Fed by bootstrapService from the Nest transport's status stream. */
  reportConsumerStatus(status: string): void {
    this.consumerStatus = status;
  }

  async check(): Promise<HealthCheckResult> {
    const status = this.transport.status();
    let backlog: { pending: number; oldestAgeMs: number };
    try {
      backlog = await this.relay.backlog();
    } catch (err) {
      return { status: 'unknown', description: `outbox unreadable: ${err instanceof Error ? err.message : String(err)}` };
    }
    const metrics = {
      transport: this.transport.kind,
      producer: status,
      consumer: this.consumerStatus ?? 'n/a',
      outboxPending: backlog.pending,
      outboxOldestAgeMs: backlog.oldestAgeMs,
    };
    if (this.consumerStatus === WAITING_FOR_BROKER) {
      return { status: 'critical', description: 'consumer not started yet: no Kafka broker answers (retrying)', metrics };
    }
    if (this.consumerStatus === 'crashed' || this.consumerStatus === 'stopped') {
      return { status: 'critical', description: `consumer ${this.consumerStatus}: events are not being processed`, metrics };
    }
    const relayError = this.relay.error;
    if (relayError && backlog.oldestAgeMs > STUCK_AFTER_MS) {
      return { status: 'critical', description: `outbox not draining: ${relayError}`, metrics };
    }
    if (relayError || backlog.oldestAgeMs > STUCK_AFTER_MS) {
      return { status: 'degraded', description: relayError ?? 'outbox draining slowly', metrics };
    }
    if (this.consumerStatus === 'disconnected') {
      return { status: 'degraded', description: 'consumer disconnected from the broker (reconnecting)', metrics };
    }
    return { status: 'ok', metrics };
  }
}
