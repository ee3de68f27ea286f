import { type Admin, Kafka, logLevel } from 'kafkajs';
import { createKafkaTopicsAndWait, waitForKafkaTopicsReady } from '@modelguard/messaging';
import { testInfra } from './test-infra';

function client(brokers: readonly string[]): Kafka {
  return new Kafka({ clientId: 'modelguard-test-admin', brokers: [...brokers], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
}

/**
 * Creates topics (idempotent) and waits until every partition has a leader that serves it, so the first
 * produce/subscribe of a test never hits LEADER_NOT_AVAILABLE or UNKNOWN_TOPIC_OR_PARTITION. Topics that
 * already existed are waited for too: another test file or an auto-creating producer may have made them a
 * moment ago.
 */
export async function createKafkaTopics(topics: readonly string[], opts: { partitions?: number; brokers?: readonly string[]; timeoutMs?: number } = {}): Promise<void> {
  const kafka = client(opts.brokers ?? testInfra.kafkaBrokers);
  const partitions = opts.partitions ?? 3;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const remaining = () => Math.max(1_000, deadline - Date.now());
  const admin = kafka.admin();
  let existing: Set<string>;
  await admin.connect();
  try {
    existing = new Set(await admin.listTopics());
  } finally {
    await admin.disconnect();
  }
  await createKafkaTopicsAndWait(
    kafka,
    topics.filter((t) => !existing.has(t)).map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
    { timeoutMs: remaining() },
  );
  await waitForKafkaTopicsReady(kafka, topics.filter((t) => existing.has(t)), { timeoutMs: remaining() });
}

/** Waits until `topics` have at least `minPartitions` partitions, each led and served (after createPartitions). */
export async function waitForKafkaTopics(topics: readonly string[], opts: { minPartitions?: number; brokers?: readonly string[]; timeoutMs?: number } = {}): Promise<void> {
  await waitForKafkaTopicsReady(client(opts.brokers ?? testInfra.kafkaBrokers), topics, opts);
}

export async function deleteKafkaTopics(topics: readonly string[], brokers: readonly string[] = testInfra.kafkaBrokers): Promise<void> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: 10_000 });
  } finally {
    await admin.disconnect();
  }
}

async function endOffsets(admin: Admin, topic: string): Promise<{ partition: number; high: string }[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

/**
 * Commits a NEW consumer group's offsets at the current end of `topics`, so a service joining it consumes only
 * what is published from now on instead of every earlier test's messages on the shared contract topics.
 */
export async function startGroupAtEnd(groupId: string, topics: readonly string[], brokers: readonly string[] = testInfra.kafkaBrokers): Promise<void> {
  const kafka = client(brokers);
  const admin = kafka.admin();
  await admin.connect();
  const ends: { topic: string; partition: number; offset: string }[] = [];
  try {
    // One metadata request for all, then one topic at a time: many fetchTopicOffsets in parallel race kafkajs's own
    // metadata refresh, and a topic missing from it ends in "Cannot destructure property 'partitions' of
    // 'high.pop(...)'" (seen on the three-broker cluster). A retry covers a refresh that lands in between.
    await admin.fetchTopicMetadata({ topics: [...topics] });
    for (const topic of topics) {
      for (const e of await endOffsets(admin, topic)) ends.push({ topic, partition: e.partition, offset: e.high });
    }
  } finally {
    await admin.disconnect();
  }
  // One short-lived member joins for every topic and commits the ends. (admin.setOffsets costs about 5 s per topic,
  // which made a test that subscribes to every contract topic spend 100 s here.) Explicit offsets, because a new
  // group's "latest" would otherwise be decided only when the service joins, after the test may have published.
  const consumer = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.subscribe({ topics: [...topics], fromBeginning: false });
    // Never processes anything: it only has to be the group's member when it commits.
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => consumer.pause(topics.map((topic) => ({ topic }))) });
    await joined;
    await consumer.commitOffsets(ends);
  } finally {
    await consumer.disconnect();
  }
}

export interface ConsumedMessage {
  topic: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/** Reads every message currently in `topic` (from the beginning) with a throw-away group. */
export async function readAllKafkaMessages(topic: string, opts: { brokers?: readonly string[]; timeoutMs?: number } = {}): Promise<ConsumedMessage[]> {
  const kafka = client(opts.brokers ?? testInfra.kafkaBrokers);
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const target = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  const out: ConsumedMessage[] = [];
  if (target === 0) return out;
  const consumer = kafka.consumer({ groupId: `read-${topic}-${Date.now()}-${Math.random().toString(36).slice(2)}`, maxWaitTimeInMs: 100, sessionTimeout: 6000, heartbeatInterval: 500 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${out.length}/${target} messages of ${topic}`)), opts.timeoutMs ?? 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) if (v != null) headers[k] = (Array.isArray(v) ? v[0] : v).toString();
          out.push({ topic, key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', headers });
          if (out.length >= target) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

export interface TopicRecorder {
  messages(topic: string): ConsumedMessage[];
  stop(): Promise<void>;
}

/**
 * Records every message of `topics` (from the beginning) in the background with one throw-away group,
 * so a test can poll what is on a topic without paying a group join per look.
 */
export async function recordKafkaTopics(topics: readonly string[], opts: { brokers?: readonly string[] } = {}): Promise<TopicRecorder> {
  const kafka = client(opts.brokers ?? testInfra.kafkaBrokers);
  const consumer = kafka.consumer({ groupId: `recorder-${Date.now()}-${Math.random().toString(36).slice(2)}`, maxWaitTimeInMs: 50, sessionTimeout: 6000, heartbeatInterval: 500 });
  const seen = new Map<string, ConsumedMessage[]>();
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) if (v != null) headers[k] = (Array.isArray(v) ? v[0] : v).toString();
      const list = seen.get(topic) ?? [];
      list.push({ topic, key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', headers });
      seen.set(topic, list);
    },
  });
  await joined;
  return { messages: (topic) => [...(seen.get(topic) ?? [])], stop: () => consumer.disconnect() };
}
