// Creates every ModelGuard topic (libs/contracts ALL_TOPICS) and its dead-letter topic (`<topic>.dlt`) on the
// broker, with leaders elected before it returns, so the first produce/subscribe of a test or a service
// never hits LEADER_NOT_AVAILABLE. Idempotent: existing topics are kept, and those with fewer partitions
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
  logLevel: logLevel.ERROR,
  retry: { initialRetryTime: 200, retries: 8 },
});
const admin = kafka.admin();

async function run() {
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    await admin.createTopics({
      topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor })),
      waitForLeaders: true,
      timeout: timeoutMs,
    });
  }
  // Grow, never shrink (Kafka cannot remove partitions): a topic auto-created by an early producer has 1.
  const present = wanted.filter((t) => existing.has(t));
  let grown = 0;
  if (present.length > 0) {
    const { topics } = await admin.fetchTopicMetadata({ topics: present });
    const small = topics.filter((t) => t.partitions.length < partitions);
    if (small.length > 0) {
      await admin.createPartitions({ topicPartitions: small.map((t) => ({ topic: t.name, count: partitions })), timeout: timeoutMs });
      grown = small.length;
    }
  }
  console.error(
    `[create-topics] ok: ${wanted.length} topics on ${brokers.join(',')} ` +
      `(${missing.length} created, ${grown} grown to ${partitions} partitions, ${present.length - grown} unchanged)`,
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
