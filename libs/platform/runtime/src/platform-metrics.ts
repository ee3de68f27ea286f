import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@modelguard/config';
import { EventDispatcher, OutboxRelay } from '@modelguard/messaging';
import { guardedCollect, SERVICE_METRICS, type ServiceMetrics } from '@modelguard/observability';
import type { Gauge } from 'prom-client';
import { KafkaLagReader } from './kafka-lag-reader';

/**
 * The platform's own series on every service's /metrics: outbox backlog (events committed but not yet on the
 * broker) and, over Kafka, the consumer group's lag per topic and the dead-letter count of each consumed topic.
 * All are read when Prometheus scrapes, each bounded by guardedCollect, so a database or broker outage shows as
 * stale values, never as a failed scrape.
 */
@Injectable()
export class PlatformMetrics implements OnModuleInit, OnModuleDestroy {
  private lagReader: KafkaLagReader | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(EventDispatcher) private readonly dispatcher: EventDispatcher,
    @Optional() @Inject(SERVICE_METRICS) private readonly metrics?: ServiceMetrics,
  ) {}

  onModuleInit(): void {
    const metrics = this.metrics;
    if (!metrics) return;
    // prom-client collects all metrics of a scrape concurrently: gauges fed by one query share one read.
    const backlog = shared(() => this.relay.backlog());
    const pending: Gauge = metrics.gauge({
      name: 'modelguard_outbox_pending',
      help: 'Outbox rows committed but not yet published to the broker',
      collect: guardedCollect(async (): Promise<void> => pending.set((await backlog()).pending)),
    });
    const oldest: Gauge = metrics.gauge({
      name: 'modelguard_outbox_oldest_age_seconds',
      help: 'Age of the oldest unpublished outbox row (0 when empty)',
      collect: guardedCollect(async (): Promise<void> => oldest.set((await backlog()).oldestAgeMs / 1000)),
    });

    const messaging = this.config.messaging;
    if (messaging.transport !== 'kafka') return;
    const reader = new KafkaLagReader(messaging.brokers, messaging.clientId, messaging.clientId);
    this.lagReader = reader; // it caches one snapshot for both gauges below
    const lag: Gauge<'group' | 'topic'> = metrics.gauge({
      name: 'modelguard_kafka_consumer_lag',
      help: 'Messages on the topic not yet committed by this service consumer group (all partitions)',
      labelNames: ['group', 'topic'],
      collect: guardedCollect(async (): Promise<void> => {
        for (const [topic, value] of (await reader.read(this.dispatcher.topics())).lag) lag.set({ group: reader.groupId, topic }, value);
      }),
    });
    const dlt: Gauge<'topic'> = metrics.gauge({
      name: 'modelguard_kafka_dlt_messages',
      help: 'Messages retained in the dead-letter topic of a topic this service consumes',
      labelNames: ['topic'],
      collect: guardedCollect(async (): Promise<void> => {
        for (const [topic, value] of (await reader.read(this.dispatcher.topics())).deadLettered) dlt.set({ topic }, value);
      }),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.lagReader?.close();
  }
}

/** Calls within `ms` of a call share its promise (one database round trip per scrape, not one per gauge). */
function shared<T>(fn: () => Promise<T>, ms = 1_000): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!last || Date.now() - last.at >= ms) last = { at: Date.now(), value: fn() };
    return last.value;
  };
}
