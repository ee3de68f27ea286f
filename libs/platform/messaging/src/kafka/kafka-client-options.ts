import type { ConsumerConfig, KafkaConfig, ProducerConfig } from 'kafkajs';
import { logLevel } from 'kafkajs';

export interface KafkaConnectionOptions {
  brokers: string[];
  clientId: string;
  /** Must be ≥ the broker's group.min.session.timeout.ms; small values make failover (and tests) fast. */
  sessionTimeoutMs?: number;
}

/** Client settings shared by producer, consumer and admin: fail fast, retry quickly, log only errors. */
export function kafkaClientConfig(opts: KafkaConnectionOptions): KafkaConfig {
  return {
    clientId: opts.clientId,
    brokers: opts.brokers,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 8 },
    logLevel: logLevel.ERROR,
  };
}

export function kafkaConsumerConfig(groupId: string, opts: KafkaConnectionOptions): ConsumerConfig {
  const sessionTimeout = opts.sessionTimeoutMs ?? 10_000;
  return {
    groupId,
    sessionTimeout,
    // At most 1 s: the coordinator notices a rebalance (a member died or a broker returned) at the next
    // heartbeat, so this bounds how long the survivors keep fetching under the old assignment.
    heartbeatInterval: Math.max(100, Math.min(1_000, Math.floor(sessionTimeout / 6))),
    rebalanceTimeout: Math.max(sessionTimeout, 5_000),
    // The default 5 s long-poll adds that much latency to an idle consumer.
    maxWaitTimeInMs: 100,
    retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: Number.MAX_SAFE_INTEGER },
  };
}

/** Idempotent producer: acks from all in-sync replicas, no duplicates from producer retries. */
export function kafkaProducerConfig(): ProducerConfig {
  return { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true };
}
