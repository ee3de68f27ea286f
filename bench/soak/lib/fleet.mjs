// @ts-check
// The distributed layout as tests/e2e-kafka/support/{distributed-env,service-fleet}.ts start it (a fresh database,
// per-run Kafka client/group ids, every service its own `node dist/apps/<name>/src/main.js` process, consumers
// first because the gateway needs their URLs), written again here because those helpers are TypeScript and
// libs/testing is not compiled. Differences: blobs go to S3Mock and caches to Redis (the dev infra), and the
// processes run from the benchmark's private dist so a concurrent `npm run build` cannot pull code out from under them.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { logTail, openServerLog } from '../../registry/lib/server-log.mjs';
import { repoRoot } from '../../registry/lib/workspace.mjs';

export const CONSUMERS = ['audit', 'scan', 'ingest', 'scoring', 'lineage'];
const ADMIN_DB_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// The ports tools/kafka/kafka-broker.sh and tools/s3mock/s3mock.sh start on by default (and scripts/test.sh uses).
const BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const S3_ENDPOINT = process.env['TEST_S3_ENDPOINT'] ?? 'http://127.0.0.1:9090';
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

async function admin(sql) {
  const client = new pg.Client({ connectionString: ADMIN_DB_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates every topic and its DLT (3 partitions, as the tests do), waits until each partition is served; returns the contract topics. */
async function createTopics(dist) {
  const req = createRequire(import.meta.url);
  const { ALL_TOPICS, dltTopicOf } = req(join(dist, 'libs/contracts/src/index.js'));
  const { createKafkaTopicsAndWait, waitForKafkaTopicsReady } = req(join(dist, 'libs/platform/messaging/src/index.js'));
  const kafka = new Kafka({ clientId: 'soak-admin', brokers: BROKERS, logLevel: logLevel.NOTHING });
  const topics = [...ALL_TOPICS, ...ALL_TOPICS.map(dltTopicOf)];
  const a = kafka.admin();
  await a.connect();
  const existing = new Set(await a.listTopics());
  await a.disconnect();
  const missing = topics.filter((t) => !existing.has(t)).map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 }));
  await createKafkaTopicsAndWait(kafka, missing, { timeoutMs: 60_000 });
  await waitForKafkaTopicsReady(kafka, topics.filter((t) => existing.has(t)), { timeoutMs: 60_000 });
  return [...ALL_TOPICS];
}

/**
 * Commits a new consumer group's offsets at the current end of every topic (as libs/testing startGroupAtEnd does), so
 * a service consumes only this run's messages, not the backlog other runs left on the shared dev broker.
 */
async function startGroupAtEnd(groupId, topics) {
  const kafka = new Kafka({ clientId: 'soak-admin', brokers: BROKERS, logLevel: logLevel.NOTHING });
  const a = kafka.admin();
  await a.connect();
  const ends = (await Promise.all(topics.map(async (topic) => (await a.fetchTopicOffsets(topic)).map((e) => ({ topic, partition: e.partition, offset: e.high }))))).flat();
  await a.disconnect();
  const consumer = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    const joined = new Promise((r) => consumer.on(consumer.events.GROUP_JOIN, () => r(undefined)));
    await consumer.subscribe({ topics, fromBeginning: false });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => consumer.pause(topics.map((topic) => ({ topic }))) });
    await joined;
    await consumer.commitOffsets(ends);
  } finally {
    await consumer.disconnect();
  }
}

/**
 * @typedef {{ name: string, url: string, pid: number, exited: () => boolean, stop: () => Promise<void> }} Service
 */

/** Spawns one service and waits for GET /health = 200 (its output goes to `logFile`). @returns {Promise<Service>} */
async function spawnService(dist, name, env, logFile) {
  const port = await freePort();
  const log = openServerLog(logFile);
  const child = spawn(process.execPath, [join(dist, 'apps', name, 'src/main.js')], {
    cwd: repoRoot, // the gateway serves openapi/ relative to the working directory
    env: { ...process.env, ...env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1' },
    stdio: ['ignore', log.fd, log.fd],
  });
  log.close();
  let gone = false;
  const exitedP = new Promise((r) => child.once('exit', () => r((gone = true))));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (gone) throw new Error(`${name} exited before becoming healthy; log tail:\n${logTail(logFile)}`);
    const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} not healthy after 180 s; log tail:\n${logTail(logFile)}`);
    }
    await sleep(250);
  }
  return {
    name,
    url,
    pid: child.pid ?? -1,
    exited: () => gone,
    async stop() {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exitedP;
      clearTimeout(timer);
    },
  };
}

/**
 * Starts audit, scan, ingest, scoring, lineage, then the gateway, on a fresh database `mgsoak_<id>`.
 * @param {{ dist: string, logDir: string, extraEnv?: Record<string, string> }} options
 */
export async function startFleet({ dist, logDir, extraEnv = {} }) {
  const id = `${process.pid}${Date.now().toString(36)}`;
  const dbName = `mgsoak_${id}`;
  await admin(`CREATE DATABASE "${dbName}"`);
  const dbUrl = new URL(ADMIN_DB_URL);
  dbUrl.pathname = `/${dbName}`;
  const contractTopics = await createTopics(dist);
  await Promise.all([...CONSUMERS, 'gateway'].map((name) => startGroupAtEnd(`soak-${id}-${name}`, contractTopics)));
  /** @type {Record<string, Service>} */
  const services = {};
  const envFor = (name, extra = {}) => ({
    MODELGUARD_MODE: 'distributed',
    DATABASE_URL: dbUrl.toString(),
    DATABASE_POOL_SIZE: '4',
    MESSAGING_TRANSPORT: 'kafka',
    KAFKA_BROKERS: BROKERS.join(','),
    KAFKA_CLIENT_ID: `soak-${id}-${name}`,
    JWT_SECRET: 'soak-secret-soak-secret-soak-secret-0123456789',
    DATA_DIR: join(logDir, 'data', name),
    STORAGE_DRIVER: 's3',
    S3_ENDPOINT,
    S3_BUCKET: `mg-soak-${id}`,
    S3_ACCESS_KEY_ID: 'soak',
    S3_SECRET_ACCESS_KEY: 'soak',
    CACHE_DRIVER: 'redis',
    REDIS_URL,
    LOG_LEVEL: 'warn',
    OTEL_SDK_DISABLED: 'true',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    ...extraEnv,
    ...extra,
  });
  const stop = async () => {
    await Promise.all(Object.values(services).map((s) => s.stop()));
    await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch((err) => console.error(`cleanup: ${err.message}`));
  };
  try {
    await Promise.all(CONSUMERS.map(async (name) => (services[name] = await spawnService(dist, name, envFor(name), join(logDir, `${name}.log`)))));
    const urls = { AUDIT_URL: services.audit.url, SCAN_URL: services.scan.url, LINEAGE_URL: services.lineage.url, SCORING_URL: services.scoring.url };
    services.gateway = await spawnService(dist, 'gateway', envFor('gateway', urls), join(logDir, 'gateway.log'));
  } catch (err) {
    await stop();
    throw err;
  }
  return { id, services, gatewayUrl: services.gateway.url, stop };
}
