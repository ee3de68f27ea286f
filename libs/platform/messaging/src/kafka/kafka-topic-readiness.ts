import type { ITopicConfig, Kafka } from 'kafkajs';

// Creating a topic is not the same as being able to use it. On a KRaft broker, CreateTopics answers once the
// controller has committed the topic, but the broker serves it only after it has replayed that record: until
// then Metadata and Produce answer UNKNOWN_TOPIC_OR_PARTITION ("This server does not host this
// topic-partition"), and kafkajs' own `createTopics({ waitForLeaders: true })` gives up on that error because it
// only retries LEADER_NOT_AVAILABLE. So tests and the tools/kafka scripts (which load the built copy of this
// file) create and grow topics through this routine: it waits until every partition has a leader and an
// in-sync replica AND the leader really serves it (a ListOffsets round trip, the same partition lookup a
// Produce does, without writing anything), within one deadline.

/** Errors that mean "not ready yet" on a topic that was just created or grown, not "broken". */
const NOT_READY_YET = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'REPLICA_NOT_AVAILABLE',
  'BROKER_NOT_AVAILABLE',
  'REQUEST_TIMED_OUT',
]);

interface KafkaLikeError {
  type?: unknown;
  name?: unknown;
  retriable?: unknown;
  errors?: unknown;
  cause?: unknown;
}

/**
 * True when waiting may help: a "not ready yet" protocol error, or any kafkajs error that kafkajs itself marks
 * retriable (connection refused during a restart, timeouts), also when wrapped in a "retries exceeded".
 */
export function isRetriableKafkaError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as KafkaLikeError;
  if (typeof e.type === 'string' && NOT_READY_YET.has(e.type)) return true;
  if (Array.isArray(e.errors) && e.errors.length > 0) return e.errors.every(isRetriableKafkaError);
  if (e.retriable === true && typeof e.name === 'string' && e.name.startsWith('KafkaJS')) return true;
  return e.cause !== undefined && e.cause !== error && isRetriableKafkaError(e.cause);
}

export interface TopicReadinessOptions {
  /** Every topic must have at least this many partitions (default 1). */
  minPartitions?: number;
  /** Overall bound; the error names what was still missing (default 60 s). */
  timeoutMs?: number;
  intervalMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * One look with a fresh admin (a reused one answers from cached metadata, which misses partitions added since).
 * Returns why the topics are not usable yet, or null when they are.
 */
async function notReadyReason(kafka: Kafka, topics: readonly string[], minPartitions: number): Promise<string | null> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...topics] });
    for (const name of topics) {
      const topic = metadata.find((t) => t.name === name);
      if (!topic) return `${name} is not in the broker's metadata yet`;
      if (topic.partitions.length < minPartitions) return `${name} has ${topic.partitions.length} of ${minPartitions} partitions`;
      for (const p of topic.partitions) {
        if (p.partitionErrorCode) return `${name}[${p.partitionId}] reports error code ${p.partitionErrorCode}`;
        if (!(p.leader >= 0)) return `${name}[${p.partitionId}] has no leader`;
        if (p.isr.length === 0) return `${name}[${p.partitionId}] has no in-sync replica`;
      }
    }
    // Metadata can run ahead of the leader itself: ask every leader for its offsets, as a producer would write.
    for (const name of topics) {
      const offsets = await admin.fetchTopicOffsets(name);
      if (offsets.length < minPartitions) return `${name}: only ${offsets.length} of ${minPartitions} partitions answered ListOffsets`;
    }
    return null;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Waits until every topic exists with at least `minPartitions` partitions, each with a leader and an in-sync
 * replica that serves it. Retriable errors are waited out until the deadline; anything else is thrown at once.
 */
export async function waitForKafkaTopicsReady(kafka: Kafka, topics: readonly string[], opts: TopicReadinessOptions = {}): Promise<void> {
  const names = [...new Set(topics)];
  if (names.length === 0) return;
  const { minPartitions = 1, timeoutMs = 60_000, intervalMs = 200 } = opts;
  const t0 = Date.now();
  let reason: string | null = 'not checked yet';
  for (;;) {
    try {
      reason = await notReadyReason(kafka, names, minPartitions);
      if (reason === null) return;
    } catch (error) {
      if (!isRetriableKafkaError(error)) throw error;
      reason = describe(error);
    }
    if (Date.now() - t0 >= timeoutMs) throw new Error(`${names.length} Kafka topic(s) not usable after ${timeoutMs} ms: ${reason}`);
    await sleep(intervalMs);
  }
}

/**
 * Creates `specs` (topics that already exist are left alone) and returns once they are usable, see
 * waitForKafkaTopicsReady. kafkajs' waitForLeaders stays off: it fails on KRaft's UNKNOWN_TOPIC_OR_PARTITION
 * instead of waiting, and the readiness check covers what it checked.
 */
export async function createKafkaTopicsAndWait(kafka: Kafka, specs: readonly ITopicConfig[], opts: { timeoutMs?: number } = {}): Promise<void> {
  if (specs.length === 0) return;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.createTopics({ topics: [...specs], waitForLeaders: false, timeout: timeoutMs });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const minPartitions = Math.min(...specs.map((s) => (s.numPartitions !== undefined && s.numPartitions > 0 ? s.numPartitions : 1)));
  await waitForKafkaTopicsReady(
    kafka,
    specs.map((s) => s.topic),
    { minPartitions, timeoutMs: Math.max(1_000, deadline - Date.now()) },
  );
}

/**
 * Runs `fn` until it succeeds, retrying only errors for which waiting may help, within `timeoutMs`.
 * For the first use of a topic right after it became ready (a producer's own retries are short).
 */
export async function retryWhileNotReady<T>(fn: () => Promise<T>, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 250 } = opts;
  const t0 = Date.now();
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (!isRetriableKafkaError(error) || Date.now() - t0 >= timeoutMs) throw error;
      await sleep(intervalMs);
    }
  }
}
