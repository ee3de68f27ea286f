import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mg-config-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const SECRET = 'x'.repeat(32);
const distributedEnv = {
  MODELGUARD_MODE: 'distributed',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  JWT_SECRET: SECRET,
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.2:9093,',
  S3_ACCESS_KEY_ID: 'ak',
  S3_SECRET_ACCESS_KEY: 'sk',
  S3_ENDPOINT: 'http://127.0.0.1:9090',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig defaults', () => {
  it('embedded mode needs no variables and picks local drivers', () => {
    const dataDir = tempDir();
    const cfg = loadConfig({ DATA_DIR: dataDir }, 'gateway');
    expect(cfg.mode).toBe('embedded');
    expect(cfg.http).toEqual({ host: '127.0.0.1', port: 3000, publicUrl: 'http://127.0.0.1:3000', shutdownGraceMs: 10_000 });
    expect(cfg.database).toEqual({ url: undefined, poolSize: 5 });
    expect(cfg.messaging).toEqual({ transport: 'in-process', retry: { attempts: 5, initialDelayMs: 500 }, relayPollMs: 5000 });
    expect(cfg.storage).toEqual({ driver: 'fs', root: join(dataDir, 'blobs') });
    expect(cfg.cache).toEqual({ driver: 'memory' });
    expect(cfg.otel).toEqual({ enabled: false, endpoint: undefined, serviceName: 'gateway' });
    expect(cfg.log.level).toBe('info');
    expect(cfg.auth.tokenTtlSeconds).toBe(36000);
    expect(cfg.auth.tokenMaxUses).toBe(1000);
    expect(cfg.upstream).toEqual({
      hfEndpoint: 'https://huggingface.co',
      githubApiUrl: 'https://api.github.com',
      allowedHosts: [],
      allowPrivateNetworks: false,
      maxPackageBytes: 10 * 1024 ** 3,
      requestTimeoutMs: 30000,
    });
    expect(cfg.limits).toEqual({
      maxJsonBodyBytes: 1024 ** 2,
      maxUploadBytes: 10 * 1024 ** 3,
      maxZipEntries: 10000,
      maxZipRatio: 200,
      maxUnpackedBytes: 20 * 1024 ** 3,
    });
  });

  it('embedded mode generates a JWT secret once, owner-only, and reuses it', () => {
    const dataDir = tempDir();
    const first = loadConfig({ DATA_DIR: dataDir }, 'gateway').auth.jwtSecret;
    const second = loadConfig({ DATA_DIR: dataDir }, 'gateway').auth.jwtSecret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(second).toBe(first);
    const file = join(dataDir, 'jwt-secret');
    expect(readFileSync(file, 'utf8')).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('distributed mode picks kafka, s3 and redis and parses lists', () => {
    const cfg = loadConfig(distributedEnv, 'ingest');
    expect(cfg.messaging).toEqual({
      transport: 'kafka',
      brokers: ['127.0.0.1:9092', '127.0.0.2:9093'],
      clientId: 'modelguard-ingest',
      consumerSessionTimeoutMs: 10000,
      retry: { attempts: 5, initialDelayMs: 500 },
      relayPollMs: 1000,
    });
    expect(cfg.storage).toMatchObject({ driver: 's3', endpoint: 'http://127.0.0.1:9090', forcePathStyle: true, bucket: 'modelguard-blobs', region: 'us-east-1' });
    expect(cfg.cache).toEqual({ driver: 'redis', url: 'redis://127.0.0.1:6379', keyPrefix: 'modelguard:' });
    expect(cfg.auth.jwtSecret).toBe(SECRET);
  });

  it('OUTBOX_RELAY_POLL_MS sets the relays\' safety-net poll in either mode, within 10 ms to 10 minutes', () => {
    expect(loadConfig({ ...distributedEnv, OUTBOX_RELAY_POLL_MS: '250' }, 'scan').messaging.relayPollMs).toBe(250);
    expect(() => loadConfig({ ...distributedEnv, OUTBOX_RELAY_POLL_MS: '5' }, 'scan')).toThrow(/OUTBOX_RELAY_POLL_MS/);
  });

  it('OTEL_ENABLED defaults to true once an endpoint is set, and can be turned off', () => {
    const withEndpoint = { ...distributedEnv, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    expect(loadConfig(withEndpoint, 'scan').otel.enabled).toBe(true);
    expect(loadConfig({ ...withEndpoint, OTEL_ENABLED: 'false' }, 'scan').otel.enabled).toBe(false);
  });

  it('treats empty strings as unset and derives publicUrl from host and port', () => {
    const cfg = loadConfig({ ...distributedEnv, HTTP_PORT: '8080', HTTP_HOST: '0.0.0.0', PUBLIC_URL: '', LOG_LEVEL: ' ' }, 'gateway');
    expect(cfg.http.publicUrl).toBe('http://0.0.0.0:8080');
    expect(cfg.log.level).toBe('info');
  });

  it('SHUTDOWN_GRACE_MS bounds the HTTP drain: default 10 s, 0 allowed, junk refused', () => {
    expect(loadConfig({ ...distributedEnv, SHUTDOWN_GRACE_MS: '0' }, 'audit').http.shutdownGraceMs).toBe(0);
    expect(loadConfig({ ...distributedEnv, SHUTDOWN_GRACE_MS: '2500' }, 'audit').http.shutdownGraceMs).toBe(2500);
    expect(problemsOf(() => loadConfig({ ...distributedEnv, SHUTDOWN_GRACE_MS: '10s' }, 'audit'))).toEqual([expect.stringMatching(/^SHUTDOWN_GRACE_MS: /)]);
    expect(problemsOf(() => loadConfig({ ...distributedEnv, SHUTDOWN_GRACE_MS: '600001' }, 'audit'))).toEqual([expect.stringMatching(/^SHUTDOWN_GRACE_MS: /)]);
  });
});

describe('loadConfig errors', () => {
  it('reports every bad variable at once', () => {
    const problems = problemsOf(() =>
      loadConfig(
        {
          MODELGUARD_MODE: 'distributed',
          HTTP_PORT: '70000',
          DATABASE_POOL_SIZE: 'abc',
          JWT_SECRET: 'short',
          LOG_LEVEL: 'loud',
          HF_ENDPOINT: 'file:///etc/passwd',
          UPSTREAM_ALLOW_PRIVATE: 'maybe',
          KAFKA_BROKERS: 'no-port',
        },
        'gateway',
      ),
    );
    const vars = problems.map((p) => p.split(':')[0]);
    expect(vars).toEqual(
      expect.arrayContaining([
        'HTTP_PORT',
        'DATABASE_POOL_SIZE',
        'JWT_SECRET',
        'LOG_LEVEL',
        'HF_ENDPOINT',
        'UPSTREAM_ALLOW_PRIVATE',
        'KAFKA_BROKERS',
        'DATABASE_URL',
        'S3_ACCESS_KEY_ID',
        'S3_SECRET_ACCESS_KEY',
        'REDIS_URL',
      ]),
    );
  });

  it('the error message lists every problem on its own line', () => {
    let caught: unknown;
    try {
      loadConfig({ HTTP_PORT: '-1', MAX_ZIP_RATIO: '1e3' }, 'gateway');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as Error).message;
    expect(message).toMatch(/2 problems/);
    expect(message).toMatch(/^ {2}- HTTP_PORT: /m);
    expect(message).toMatch(/^ {2}- MAX_ZIP_RATIO: /m);
  });

  it('requires DATABASE_URL and JWT_SECRET only in distributed mode', () => {
    const base = { ...distributedEnv, DATABASE_URL: undefined, JWT_SECRET: undefined };
    expect(problemsOf(() => loadConfig(base, 'audit'))).toEqual([
      'DATABASE_URL: is required in distributed mode',
      'JWT_SECRET: is required in distributed mode (at least 32 characters)',
    ]);
    expect(() => loadConfig({ ...base, MODELGUARD_MODE: 'embedded', DATA_DIR: tempDir() }, 'audit')).not.toThrow();
  });

  it('requires S3 credentials only for the s3 driver', () => {
    const env = { DATA_DIR: tempDir(), STORAGE_DRIVER: 's3' };
    expect(problemsOf(() => loadConfig(env, 'ingest'))).toEqual([
      'S3_ACCESS_KEY_ID: is required when STORAGE_DRIVER is s3',
      'S3_SECRET_ACCESS_KEY: is required when STORAGE_DRIVER is s3',
    ]);
    const fsCfg = loadConfig({ ...distributedEnv, STORAGE_DRIVER: 'fs', S3_ACCESS_KEY_ID: '', S3_SECRET_ACCESS_KEY: '', STORAGE_ROOT: '/srv/blobs' }, 'ingest');
    expect(fsCfg.storage).toEqual({ driver: 'fs', root: '/srv/blobs' });
  });

  it('requires brokers for kafka and a URL for redis, even in embedded mode', () => {
    const env = { DATA_DIR: tempDir(), MESSAGING_TRANSPORT: 'kafka', CACHE_DRIVER: 'redis' };
    expect(problemsOf(() => loadConfig(env, 'scan'))).toEqual([
      'KAFKA_BROKERS: is required when MESSAGING_TRANSPORT is kafka (comma-separated host:port list)',
      'REDIS_URL: is required when CACHE_DRIVER is redis',
    ]);
  });

  it('does not pile mode-dependent errors on top of an invalid mode', () => {
    expect(problemsOf(() => loadConfig({ MODELGUARD_MODE: 'cluster', DATA_DIR: tempDir() }, 'scan'))).toEqual([
      'MODELGUARD_MODE: must be one of: embedded, distributed',
    ]);
  });

  it('rejects bad scheme URLs, bucket names and an invalid service name', () => {
    const problems = problemsOf(() =>
      loadConfig({ ...distributedEnv, DATABASE_URL: 'mysql://x', REDIS_URL: 'http://x', S3_BUCKET: 'Bad_Bucket', S3_MULTIPART_PART_SIZE_BYTES: '1024' }, 'gw'),
    );
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'REDIS_URL', 'S3_BUCKET', 'S3_MULTIPART_PART_SIZE_BYTES'].sort());
    expect(() => loadConfig({}, '../evil')).toThrow(ConfigError);
  });
});
