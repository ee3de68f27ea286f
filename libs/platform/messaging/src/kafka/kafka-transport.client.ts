import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { Kafka, type Producer, type IHeaders } from 'kafkajs';
import type { TransportClient, TransportStatus } from '../transport-client';
import type { WireMessage } from '../wire-message';
import { kafkaClientConfig, type KafkaConnectionOptions, kafkaProducerConfig } from './kafka-client-options';

/**
 * Kafka publishing through one idempotent kafkajs producer (acks = all). Connects lazily so a service can
 * boot while the broker is down: its outbox simply holds the messages until the broker is back.
 */
export class KafkaTransportClient implements TransportClient {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private state: TransportStatus = 'disconnected';

  constructor(opts: KafkaConnectionOptions) {
    this.kafka = new Kafka(kafkaClientConfig({ ...opts, clientId: `${opts.clientId}-producer` }));
  }

  async send(messages: readonly WireMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.connect();
    try {
      // Each run of messages sharing a trace is sent inside that trace's context: the kafkajs
      // instrumentation then creates the producer span as a child of the original request and injects
      // *that* traceparent, instead of replacing it with the relay loop's context. Runs go out in order.
      for (const run of runsByTrace(messages)) {
        const byTopic = new Map<string, Array<{ key: string; value: string; headers: IHeaders }>>();
        for (const m of run) {
          const list = byTopic.get(m.topic) ?? [];
          list.push({ key: m.key, value: m.value, headers: m.headers });
          byTopic.set(m.topic, list);
        }
        const topicMessages = [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs }));
        await context.with(propagation.extract(ROOT_CONTEXT, run[0].headers), () => producer.sendBatch({ acks: -1, topicMessages }));
      }
    } catch (err) {
      // Start from a fresh producer next time: after a broker outage kafkajs may keep a dead connection.
      await this.reset();
      throw err;
    }
  }

  status(): TransportStatus {
    return this.state;
  }

  async close(): Promise<void> {
    await this.reset();
  }

  private connect(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      this.state = 'connecting';
      const producer = this.kafka.producer(kafkaProducerConfig());
      try {
        await producer.connect();
      } catch (err) {
        this.state = 'disconnected';
        await producer.disconnect().catch(() => undefined);
        throw err;
      }
      producer.on(producer.events.DISCONNECT, () => {
        if (this.producer === producer) this.state = 'disconnected';
      });
      this.producer = producer;
      this.state = 'connected';
      return producer;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async reset(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.state = 'disconnected';
    await producer?.disconnect().catch(() => undefined);
  }
}

/** Consecutive messages with the same traceparent (usually one outbox row each, or one redrive batch). */
function runsByTrace(messages: readonly WireMessage[]): WireMessage[][] {
  const runs: WireMessage[][] = [];
  for (const m of messages) {
    const last = runs[runs.length - 1];
    if (last && last[0].headers['traceparent'] === m.headers['traceparent']) last.push(m);
    else runs.push([m]);
  }
  return runs;
}
