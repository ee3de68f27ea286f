import { type Admin, Kafka, logLevel } from 'kafkajs';
import { dltTopicOf } from '@modelguard/contracts';
import { kafkaClientConfig } from '@modelguard/messaging';

export interface LagSnapshot {
  /** Messages not yet committed by the group, per consumed topic (all partitions summed). */
  lag: Map<string, number>;
  /** Messages retained in each consumed topic's dead-letter topic (absent when the DLT does not exist yet). */
  deadLettered: Map<string, number>;
}

/** One snapshot serves every scrape within this window, so a scrape storm costs the brokers nothing more. */
const CACHE_MS = 5_000;

/**
 * Reads a consumer group's lag and its topics' dead-letter counts from the brokers' offsets (the same numbers the
 * KEDA scaler sees), through one admin connection kept between scrapes and dropped after an error.
 */
export class KafkaLagReader {
  private readonly kafka: Kafka;
  private admin: Admin | undefined;
  private cached: { at: number; value: Promise<LagSnapshot> } | undefined;

  constructor(
    brokers: string[],
    clientId: string,
    readonly groupId: string,
  ) {
    const base = kafkaClientConfig({ brokers, clientId: `${clientId}-metrics` });
    this.kafka = new Kafka({ ...base, retry: { retries: 1 }, logLevel: logLevel.NOTHING });
  }

  read(topics: readonly string[]): Promise<LagSnapshot> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.value;
    const value = this.fetch(topics).catch(async (err: unknown) => {
      this.cached = undefined;
      const admin = this.admin;
      this.admin = undefined;
      await admin?.disconnect().catch(() => undefined);
      throw err;
    });
    this.cached = { at: Date.now(), value };
    return value;
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
  }

  private async connected(): Promise<Admin> {
    if (this.admin) return this.admin;
    const admin = this.kafka.admin();
    await admin.connect();
    this.admin = admin;
    return admin;
  }

  private async fetch(topics: readonly string[]): Promise<LagSnapshot> {
    const admin = await this.connected();
    const lag = new Map<string, number>();
    const deadLettered = new Map<string, number>();
    if (topics.length === 0) return { lag, deadLettered };
    const committed = await admin.fetchOffsets({ groupId: this.groupId, topics: [...topics] });
    for (const { topic, partitions } of committed) {
      const ends = await admin.fetchTopicOffsets(topic);
      let total = 0;
      for (const end of ends) {
        const offset = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
        // No commit yet: the group starts from the beginning (fromBeginning), so everything retained is lag.
        const from = offset < 0 ? Number(end.low) : offset;
        total += Math.max(0, Number(end.high) - from);
      }
      lag.set(topic, total);
    }
    const existing = new Set(await admin.listTopics());
    for (const topic of topics.map(dltTopicOf).filter((t) => existing.has(t))) {
      const ends = await admin.fetchTopicOffsets(topic);
      deadLettered.set(topic, ends.reduce((sum, e) => sum + Math.max(0, Number(e.high) - Number(e.low)), 0));
    }
    return { lag, deadLettered };
  }
}
