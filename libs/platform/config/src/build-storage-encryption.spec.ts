import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './load-config';
import { redactConfig } from './redact-config';
import { STORAGE_KEY_FILE } from './storage-encryption-key';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'mg-enc-cfg-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const distributed = {
  MODELGUARD_MODE: 'distributed',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  JWT_SECRET: 'x'.repeat(40),
  KAFKA_BROKERS: '127.0.0.1:9092',
  S3_ACCESS_KEY_ID: 'ak',
  S3_SECRET_ACCESS_KEY: 'sk',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

describe('STORAGE_ENCRYPTION', () => {
  it('is off by default and adds nothing to the storage section', () => {
    expect(loadConfig({ DATA_DIR: tempDir() }, 'gateway').storage.encryption).toBeUndefined();
  });

  it('generates and then reuses an owner-only key in embedded mode', () => {
    const dataDir = tempDir();
    const first = loadConfig({ DATA_DIR: dataDir, STORAGE_ENCRYPTION: 'all' }, 'gateway').storage.encryption;
    const second = loadConfig({ DATA_DIR: dataDir, STORAGE_ENCRYPTION: 'all' }, 'gateway').storage.encryption;
    expect(first?.mode).toBe('all');
    expect(second).toEqual(first);
    const file = join(dataDir, STORAGE_KEY_FILE);
    expect(Buffer.from(readFileSync(file, 'utf8'), 'base64').length).toBe(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('takes the key from the variable or a file, and redacts it', () => {
    const key = randomBytes(32).toString('base64');
    const cfg = loadConfig({ ...distributed, STORAGE_ENCRYPTION: 'all', STORAGE_ENCRYPTION_KEY: key }, 'gateway');
    expect(cfg.storage.encryption).toEqual({ mode: 'all', kek: key });
    expect(JSON.stringify(redactConfig(cfg))).not.toContain(key);
    const file = join(tempDir(), 'kek');
    writeFileSync(file, `${key}\n`);
    expect(loadConfig({ ...distributed, STORAGE_ENCRYPTION: 'all', STORAGE_ENCRYPTION_KEY_FILE: file }, 'gateway').storage.encryption).toEqual({ mode: 'all', kek: key });
  });

  it('reports a missing key in distributed mode, a bad key, an unreadable file and both set', () => {
    const problems = (env: Record<string, string>): string => {
      try {
        loadConfig({ ...distributed, STORAGE_ENCRYPTION: 'all', ...env }, 'gateway');
        return 'no error';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(problems({})).toMatch(/STORAGE_ENCRYPTION_KEY: or STORAGE_ENCRYPTION_KEY_FILE is required/);
    expect(problems({ STORAGE_ENCRYPTION_KEY: randomBytes(16).toString('base64') + 'AAAAAAAAAAAAAAAA' })).toMatch(/STORAGE_ENCRYPTION_KEY: must be 32 bytes in base64/);
    expect(problems({ STORAGE_ENCRYPTION_KEY_FILE: '/nonexistent/kek' })).toMatch(/STORAGE_ENCRYPTION_KEY_FILE: cannot read/);
    const key = randomBytes(32).toString('base64');
    expect(problems({ STORAGE_ENCRYPTION_KEY: key, STORAGE_ENCRYPTION_KEY_FILE: '/x' })).toMatch(/not both/);
    expect(problems({ STORAGE_ENCRYPTION: 'some' })).toMatch(/STORAGE_ENCRYPTION/);
    expect(problems({ STORAGE_ENCRYPTION_KEY: key, STORAGE_ENCRYPTION_RETIRED_KEY_FILES: '/nonexistent/old' })).toMatch(/STORAGE_ENCRYPTION_RETIRED_KEY_FILES: cannot read/);
  });

  it('takes the sensitive mode and retired key files (comma-separated), and redacts the retired keys', () => {
    const key = randomBytes(32).toString('base64');
    const old1 = randomBytes(32).toString('base64');
    const old2 = randomBytes(32).toString('base64');
    const dir = tempDir();
    writeFileSync(join(dir, 'old1'), old1);
    writeFileSync(join(dir, 'old2'), `${old2}\n`);
    const env = { ...distributed, STORAGE_ENCRYPTION: 'sensitive', STORAGE_ENCRYPTION_KEY: key, STORAGE_ENCRYPTION_RETIRED_KEY_FILES: `${join(dir, 'old1')}, ${join(dir, 'old2')}` };
    const cfg = loadConfig(env, 'gateway');
    expect(cfg.storage.encryption).toEqual({ mode: 'sensitive', kek: key, retiredKeks: [old1, old2] });
    const shown = JSON.stringify(redactConfig(cfg));
    for (const k of [key, old1, old2]) expect(shown).not.toContain(k);
    writeFileSync(join(dir, 'old1'), 'too short');
    expect(() => loadConfig(env, 'gateway')).toThrow(/STORAGE_ENCRYPTION_RETIRED_KEY_FILES: must be 32 bytes/);
  });
});

describe('S3_SERVER_SIDE_ENCRYPTION', () => {
  it('passes the mode and KMS key to the s3 storage config, and refuses a KMS key without aws:kms', () => {
    const cfg = loadConfig({ ...distributed, S3_SERVER_SIDE_ENCRYPTION: 'aws:kms', S3_SSE_KMS_KEY_ID: 'alias/models' }, 'gateway');
    expect(cfg.storage).toMatchObject({ driver: 's3', serverSideEncryption: 'aws:kms', sseKmsKeyId: 'alias/models' });
    expect(() => loadConfig({ ...distributed, S3_SSE_KMS_KEY_ID: 'alias/models' }, 'gateway')).toThrow(/S3_SSE_KMS_KEY_ID: needs S3_SERVER_SIDE_ENCRYPTION=aws:kms/);
    expect(() => loadConfig({ ...distributed, S3_SERVER_SIDE_ENCRYPTION: 'DES' }, 'gateway')).toThrow(/S3_SERVER_SIDE_ENCRYPTION/);
    expect(loadConfig(distributed, 'gateway').storage).not.toHaveProperty('serverSideEncryption');
  });
});
