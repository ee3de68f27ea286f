import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@modelguard/config';
import { afterAll, describe, expect, it } from 'vitest';
import { dataSourceOptionsFor } from './persistence.module';

const dataDir = mkdtempSync(join(tmpdir(), 'mg-persistence-opts-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const options = { schema: 'gateway', entities: [], migrations: [] };

describe('dataSourceOptionsFor', () => {
  it('prepares statements on the embedded database (PGlite behind its wire server)', () => {
    const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'postgres://postgres@%2Ftmp%2Fsock/postgres' }, 'gateway');
    expect(dataSourceOptionsFor(config, options)).toMatchObject({ schema: 'gateway', namedStatements: true, applicationName: 'modelguard-gateway' });
  });

  it('leaves them unnamed on a distributed deployment’s PostgreSQL', () => {
    const config = loadConfig(
      {
        MODELGUARD_MODE: 'distributed',
        DATA_DIR: dataDir,
        DATABASE_URL: 'postgres://app:app-pass@db:5432/modelguard',
        JWT_SECRET: 'x'.repeat(40),
        KAFKA_BROKERS: '127.0.0.1:9092',
        REDIS_URL: 'redis://127.0.0.1:6379',
        STORAGE_DRIVER: 'postgres',
      },
      'gateway',
    );
    expect(dataSourceOptionsFor(config, options).namedStatements).toBe(false);
  });
});
