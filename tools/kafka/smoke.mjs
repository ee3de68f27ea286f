// Kafka broker smoke check: produce a few messages with kafkajs and consume them back in a fresh group.
// Proves the broker works end to end (metadata, topic creation with leaders, produce, group coordinator,
// fetch), not just that its port is open. Exits 0 on success, 1 with a reason otherwise; bounded by a timeout.
//
//   node tools/kafka/smoke.mjs            (KAFKA_BROKERS defaults to 127.0.0.1:9092)
import { Kafka, logLevel } from 'kafkajs';
import { createTopicsAndWait, retryWhileNotReady } from '../lib/kafka-topic-readiness.mjs';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
const TIMEOUT_MS = Number(process.env.KAFKA_SMOKE_TIMEOUT_MS ?? 60_000);
// Unique names so that runs never see each other's messages or group offsets.
const suffix = `${process.pid}-${Date.now()}`;
const topic = `smoke.check-${suffix}`;
const groupId = `smoke-${suffix}`;
const COUNT = 5;

const kafka = new Kafka({
  clientId: 'modelguard-kafka-smoke',
  brokers,
  logLevel: logLevel.NOTHING,
  retry: { initialRetryTime: 100, retries: 5 },
});
const admin = kafka.admin();
// The services' producer settings (libs/platform/messaging kafkaProducerConfig): idempotent, so the check also
// covers the producer-id allocation they need. No auto-creation: a missing topic must fail here, not be masked.
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
const consumer = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });

async function run() {
  const t0 = Date.now();
  await admin.connect();
  // Leaders elected AND served by the broker: see libs/platform/messaging/src/kafka/kafka-topic-readiness.ts for why that takes a wait.
  await createTopicsAndWait(kafka, [{ topic, numPartitions: 2, replicationFactor: 1 }], { timeoutMs: TIMEOUT_MS / 2 });
  await producer.connect();
  const sent = Array.from({ length: COUNT }, (_, i) => `message-${i}`);
  await retryWhileNotReady(() => producer.send({ topic, messages: sent.map((value, i) => ({ key: String(i), value })) }), { timeoutMs: 15_000 });

  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const received = [];
  await new Promise((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ message }) => {
          received.push(message.value?.toString() ?? '');
          if (received.length >= COUNT) resolve();
        },
      })
      .catch(reject);
  });
  const missing = sent.filter((v) => !received.includes(v));
  if (missing.length > 0) throw new Error(`did not receive: ${missing.join(', ')}`);
  // Best effort: a uniquely named leftover is harmless, and a slow delete must not fail a broker that works.
  await admin.deleteTopics({ topics: [topic] }).catch((error) => console.error(`[kafka-smoke] note: could not delete ${topic}: ${error.message}`));
  console.log(`[kafka-smoke] ok: ${brokers.join(',')} produced and consumed ${COUNT} messages in ${Date.now() - t0} ms`);
}

async function closeAll() {
  await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
}

const timer = setTimeout(() => {
  console.error(`[kafka-smoke] FAILED: no round trip within ${TIMEOUT_MS} ms (brokers ${brokers.join(',')})`);
  process.exit(1);
}, TIMEOUT_MS);

try {
  await run();
  await closeAll();
  clearTimeout(timer);
} catch (error) {
  console.error(`[kafka-smoke] FAILED: ${error instanceof Error ? error.message : String(error)}`);
  await closeAll();
  process.exit(1);
}
