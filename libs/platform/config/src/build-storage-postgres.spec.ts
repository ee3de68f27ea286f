import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './load-config';
import { redactConfig } from './redact-config';

const dataDir = mkdtempSync(join(tmpdir(), 'mg-pg-storage-cfg-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const distributed = {
  MODELGUARD_MODE: 'distributed',
  DATABASE_URL: 'postgres://app:app-pass@db:5432/modelguard',
  JWT_SECRET: 'x'.repeat(40),
  KAFKA_BROKERS: '127.0.0.1:9092',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

describe('STORAGE_DRIVER=postgres', () => {
  it('stores blobs in DATABASE_URL by default, needs no S3 credentials, and takes 1 MiB rows', () => {
    const cfg = loadConfig({ ...distributed, STORAGE_DRIVER: 'postgres' }, 'gateway');
    expect(cfg.storage).toEqual({ driver: 'postgres', url: distributed.DATABASE_URL, poolSize: 5, chunkSizeBytes: 1024 * 1024 });
  });

  it('takes a separate database and row size, and masks the password when logged', () => {
    const env = { ...distributed, STORAGE_DRIVER: 'postgres', STORAGE_DATABASE_URL: 'postgresql://blobs:blob-pass@blobdb/blobs', STORAGE_POSTGRES_CHUNK_BYTES: '262144' };
    const cfg = loadConfig(env, 'gateway');
    expect(cfg.storage).toMatchObject({ url: 'postgresql://blobs:blob-pass@blobdb/blobs', chunkSizeBytes: 262_144 });
    expect(JSON.stringify(redactConfig(cfg))).not.toContain('blob-pass');
  });

  it('refuses embedded mode without a server URL, a non-postgres URL and out-of-range row sizes', () => {
    const problems = (env: Record<string, string>): string => {
      try {
        loadConfig({ DATA_DIR: dataDir, STORAGE_DRIVER: 'postgres', ...env }, 'gateway');
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(problems({})).toMatch(/STORAGE_DATABASE_URL: or DATABASE_URL is required when STORAGE_DRIVER is postgres/);
    expect(problems({ STORAGE_DATABASE_URL: 'mysql://x@y/z' })).toMatch(/STORAGE_DATABASE_URL/);
    expect(problems({ STORAGE_DATABASE_URL: 'postgres://x@y/z', STORAGE_POSTGRES_CHUNK_BYTES: '1024' })).toMatch(/STORAGE_POSTGRES_CHUNK_BYTES/);
    expect(problems({ STORAGE_DATABASE_URL: 'postgres://x@y/z', STORAGE_POSTGRES_CHUNK_BYTES: String(32 * 1024 * 1024) })).toMatch(/STORAGE_POSTGRES_CHUNK_BYTES/);
    expect(problems({ STORAGE_DATABASE_URL: 'postgres://x@y/z' })).toBe('');
  });
});
