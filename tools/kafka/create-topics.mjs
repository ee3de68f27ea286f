// Creates every ModelGuard topic (libs/contracts ALL_TOPICS) and its dead-letter topic (`<topic>.dlt`) on the
// broker and returns only once every partition has a leader that serves it (libs/platform/messaging kafka-topic-readiness),
// so the first produce/subscribe of a test or a service never hits LEADER_NOT_AVAILABLE or
// UNKNOWN_TOPIC_OR_PARTITION. Idempotent: existing topics are kept, and those with fewer partitions
// than asked (for example auto-created with 1) are grown. Reads the topic names from the BUILT contracts
// (dist/libs/contracts/src/index.js), so run `node scripts/build.mjs` first; no TypeScript loader needed.
//
//   node tools/kafka/create-topics.mjs [--partitions N]
//   env: KAFKA_BROKERS (default 127.0.0.1:9092), KAFKA_TOPIC_PARTITIONS (default 4),
//        KAFKA_REPLICATION_FACTOR (default 1), KAFKA_TOPICS_TIMEOUT_MS (default 60000)
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { createTopicsAndWait, waitForTopicsReady } from '../lib/kafka-topic-readiness.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const contractsJs = join(root, 'dist', 'libs', 'contracts', 'src', 'index.js');

function fail(message) {
  console.error(`[create-topics] FAILED: ${message}`);
  process.exit(1);
}

function positiveInt(name, raw, fallback) {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) fail(`${name} must be an integer in 1..1000, got "${raw}"`);
  return n;
}

const flag = process.argv.indexOf('--partitions');
const partitions = positiveInt('--partitions', flag >= 0 ? process.argv[flag + 1] : process.env.KAFKA_TOPIC_PARTITIONS, 4);
const replicationFactor = positiveInt('KAFKA_REPLICATION_FACTOR', process.env.KAFKA_REPLICATION_FACTOR, 1);
const timeoutMs = positiveInt('KAFKA_TOPICS_TIMEOUT_MS', process.env.KAFKA_TOPICS_TIMEOUT_MS, 60_000);
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);

if (!existsSync(contractsJs)) fail(`${contractsJs} is missing: build first (node scripts/build.mjs)`);
// dist/ is CommonJS (tsconfig "module": "commonjs"), so load it with require from this ES module.
const contracts = createRequire(import.meta.url)(contractsJs);
const { ALL_TOPICS, dltTopicOf } = contracts;
if (!Array.isArray(ALL_TOPICS) || ALL_TOPICS.length === 0 || typeof dltTopicOf !== 'function') {
  fail('dist contracts do not export a non-empty ALL_TOPICS and dltTopicOf()');
}
const wanted = ALL_TOPICS.flatMap((topic) => [topic, dltTopicOf(topic)]);

const kafka = new Kafka({
  clientId: 'modelguard-create-topics',
  brokers,
  // Quiet: the readiness wait expects (and absorbs) the "not leader yet" answers kafkajs would log as ERROR, and a
  // real failure is reported once, with its reason, by fail().
  logLevel: logLevel.NOTHING,
  retry: { initialRetryTime: 200, retries: 8 },
});
const admin = kafka.admin();

async function run() {
  const deadline = Date.now() + timeoutMs;
  const remaining = () => Math.max(1_000, deadline - Date.now());
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !existing.has(t));
  await createTopicsAndWait(
    kafka,
    missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor })),
    { timeoutMs: remaining() },
  );
  // Grow, never shrink (Kafka cannot remove partitions): a topic auto-created by an early producer has 1.
  const present = wanted.filter((t) => existing.has(t));
  let grown = 0;
  if (present.length > 0) {
    const { topics } = await admin.fetchTopicMetadata({ topics: present });
    const small = topics.filter((t) => t.partitions.length < partitions);
    if (small.length > 0) {
      await admin.createPartitions({ topicPartitions: small.map((t) => ({ topic: t.name, count: partitions })), timeout: remaining() });
      grown = small.length;
    }
  }
  // The topics that were already there too: they may have been auto-created or grown a moment ago.
  await waitForTopicsReady(kafka, present, { minPartitions: partitions, timeoutMs: remaining() });
  console.error(
    `[create-topics] ok: ${wanted.length} topics on ${brokers.join(',')} ` +
      `(${missing.length} created, ${grown} grown to ${partitions} partitions, ${present.length - grown} unchanged), ` +
      `all partitions led and served`,
  );
}

const timer = setTimeout(() => fail(`no answer from ${brokers.join(',')} within ${timeoutMs} ms`), timeoutMs + 5_000);
try {
  await run();
} catch (error) {
  await admin.disconnect().catch(() => undefined);
  fail(error instanceof Error ? error.message : String(error));
}
clearTimeout(timer);
await admin.disconnect();
