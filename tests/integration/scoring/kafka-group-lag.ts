import { Kafka, logLevel } from 'kafkajs';
import { testInfra } from '@modelguard/testing';

/**
 * Waits until consumer group `groupId` has processed every message already on `topics`. A new group on the shared
 * development broker starts from the beginning of each topic, so a test that must not race the history (an old
 * RegistryReset would wipe what the test just recorded) waits for it to catch up first.
 */
export async function waitForGroupCaughtUp(groupId: string, topics: readonly string[], timeoutMs = 120_000): Promise<void> {
  const kafka = new Kafka({ clientId: `${groupId}-lag-probe`, brokers: [...testInfra.kafkaBrokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      let behind = 0;
      for (const topic of topics) {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        for (const end of ends) {
          const done = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
          const from = Number(done) >= 0 ? Number(done) : Number(end.low);
          behind += Math.max(0, Number(end.high) - from);
        }
      }
      if (behind === 0) return;
      if (Date.now() > deadline) throw new Error(`consumer group ${groupId} is still ${behind} message(s) behind on ${topics.join(', ')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await admin.disconnect();
  }
}
