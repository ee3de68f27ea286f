import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ALL_TOPICS, dltTopicOf } from '@modelguard/contracts';
import { createKafkaTopics, startGroupAtEnd, testInfra, uniqueSuffix } from '@modelguard/testing';

export interface DistributedRun {
  /** Unique per test run: database name and Kafka client/group ids derive from it. */
  id: string;
  databaseUrl: string;
  /** Environment for `spawnService(name, run.envFor(name))`. */
  envFor(service: string, extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /**
   * Starts `service`'s consumer group at the current end of every contract topic (call before spawning it): on a
   * broker kept across test files, a new group would otherwise first work through every earlier file's messages
   * (the resilience suite saw a scan worker busy dead-lettering 800 foreign uploads when its own test began).
   */
  startAtEnd(service: string): Promise<void>;
  dispose(): Promise<void>;
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testInfra.databaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database (each service then creates its own schema in it, as in production) and per-run Kafka
 * client ids, which are also the consumer group ids: runs sharing the broker never steal each other's
 * partitions.
 */
export async function createDistributedRun(): Promise<DistributedRun> {
  const id = uniqueSuffix().replace(/[^a-z0-9]/g, '');
  const dbName = `mg_e2e_${id}`;
  await admin((c) => c.query(`CREATE DATABASE "${dbName}"`));
  const url = new URL(testInfra.databaseUrl);
  url.pathname = `/${dbName}`;
  await createKafkaTopics([...ALL_TOPICS, ...ALL_TOPICS.map(dltTopicOf)]);
  const dataDir = mkdtempSync(join(tmpdir(), `mg-e2e-${id}-`));
  return {
    id,
    databaseUrl: url.toString(),
    envFor: (service, extra = {}) => ({
      MODELGUARD_MODE: 'distributed',
      DATABASE_URL: url.toString(),
      DATABASE_POOL_SIZE: '4',
      MESSAGING_TRANSPORT: 'kafka',
      KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
      KAFKA_CLIENT_ID: `e2e-${id}-${service}`,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      MESSAGING_RETRY_ATTEMPTS: '2',
      MESSAGING_RETRY_INITIAL_DELAY_MS: '50',
      JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123456789',
      DATA_DIR: join(dataDir, service),
      STORAGE_DRIVER: 'fs',
      STORAGE_ROOT: join(dataDir, 'blobs'),
      CACHE_DRIVER: 'memory',
      LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      ...extra,
    }),
    startAtEnd: (service) => startGroupAtEnd(`e2e-${id}-${service}`, ALL_TOPICS),
    dispose: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`))),
  };
}
