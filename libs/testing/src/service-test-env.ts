import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testInfra } from './test-infra';

/** A complete, valid environment for booting a service in a test (distributed mode, fast knobs). */
export function serviceTestEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    MODELGUARD_MODE: 'distributed',
    DATABASE_URL: testInfra.databaseUrl,
    DATABASE_POOL_SIZE: '4',
    MESSAGING_TRANSPORT: 'in-process',
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    MESSAGING_RETRY_ATTEMPTS: '2',
    MESSAGING_RETRY_INITIAL_DELAY_MS: '20',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    LOG_LEVEL: 'error',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    // Platform infra not under test: filesystem storage and an in-memory cache keep services bootable.
    DATA_DIR: join(tmpdir(), 'modelguard-test'),
    STORAGE_DRIVER: 'fs',
    STORAGE_ROOT: join(tmpdir(), 'modelguard-test', 'blobs'),
    CACHE_DRIVER: 'memory',
    ...overrides,
  };
}
