import { Kafka } from 'kafkajs';
import { toRedriveMessage } from '../redrive-message';
import { kafkaClientConfig, kafkaConsumerConfig, kafkaProducerConfig, type KafkaConnectionOptions } from './kafka-client-options';
import { decodeHeaders } from './kafka-messaging.server';

export interface KafkaRedriveOptions extends KafkaConnectionOptions {
  dltTopic: string;
  /** The redrive group remembers what was already redriven, so running the command twice is safe. */
  groupId?: string;
  /** Give up waiting for the group to catch up after this long. */
  timeoutMs?: number;
}

/**
 * Republishes every not-yet-redriven message of a DLT to its original topic, keeping the eventId, so
 * consumers that already processed it skip it (inbox) and the one that failed gets another chance.
 */
export async function redriveKafkaDeadLetters(opts: KafkaRedriveOptions): Promise<{ redriven: number }> {
  if (!opts.dltTopic.endsWith('.dlt')) throw new Error(`${opts.dltTopic} is not a dead-letter topic (*.dlt)`);
  const kafka = new Kafka(kafkaClientConfig(opts));
  const admin = kafka.admin();
  const producer = kafka.producer(kafkaProducerConfig());
  const consumer = kafka.consumer(kafkaConsumerConfig(opts.groupId ?? 'modelguard-redrive', opts));
  let redriven = 0;
  try {
    await Promise.all([admin.connect(), producer.connect(), consumer.connect()]);
    const end = new Map((await admin.fetchTopicOffsets(opts.dltTopic)).map((p) => [p.partition, Number(p.high)]));
    const remaining = new Set([...end].filter(([, high]) => high > 0).map(([p]) => p));
    // Partitions whose committed offset is already at the end have nothing left to redrive.
    const committed = await admin.fetchOffsets({ groupId: opts.groupId ?? 'modelguard-redrive', topics: [opts.dltTopic] });
    for (const p of committed[0]?.partitions ?? []) {
      if (Number(p.offset) >= (end.get(p.partition) ?? 0)) remaining.delete(p.partition);
    }
    if (remaining.size === 0) return { redriven: 0 };
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    await consumer.subscribe({ topic: opts.dltTopic, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      eachMessage: async ({ partition, message }) => {
        const m = toRedriveMessage(opts.dltTopic, {
          key: message.key?.toString('utf8') ?? null,
          value: message.value?.toString('utf8') ?? '',
          headers: decodeHeaders(message.headers),
        });
        await producer.send({ topic: m.topic, acks: -1, messages: [{ key: m.key, value: m.value, headers: m.headers }] });
        redriven++;
        if (Number(message.offset) + 1 >= (end.get(partition) ?? 0)) remaining.delete(partition);
        if (remaining.size === 0) finished();
      },
    });
    if (remaining.size > 0) {
      await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error('redrive timed out')), opts.timeoutMs ?? 60_000))]);
    }
    return { redriven };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
