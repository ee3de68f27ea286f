import { Kafka, logLevel } from 'kafkajs';
import { testInfra } from '@modelguard/testing';

/**
 * Commits offsets at the current end of `topics` for a consumer group that has not joined yet, so the service that
 * joins it later starts from now instead of from the beginning. The development broker is shared across runs: the
 * packages other runs stored are not this test's registry, and a graph that resolves references against every
 * artifact it hears of must not see them. One short-lived member joins the group and commits for every partition
 * at once (admin.setOffsets would pay a group join per topic).
 */
export async function startGroupAtEnd(groupId: string, topics: readonly string[]): Promise<void> {
  const kafka = new Kafka({ clientId: `${groupId}-offsets`, brokers: [...testInfra.kafkaBrokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await Promise.all(topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) })));
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId, sessionTimeout: 6_000, heartbeatInterval: 500, rebalanceTimeout: 6_000 });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: false });
    await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
    await joined;
    await consumer.commitOffsets(ends.flatMap(({ topic, partitions }) => partitions.map((p) => ({ topic, partition: p.partition, offset: p.high }))));
  } finally {
    await consumer.disconnect();
  }
}
