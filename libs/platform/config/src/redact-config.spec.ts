import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './load-config';
import { redactConfig } from './redact-config';

const dir = mkdtempSync(join(tmpdir(), 'mg-redact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('redactConfig', () => {
  it('masks secrets and URL passwords but keeps everything else', () => {
    const cfg = loadConfig(
      {
        MODELGUARD_MODE: 'distributed',
        DATA_DIR: dir,
        DATABASE_URL: 'postgres://app:hunter2@db:5432/mg',
        JWT_SECRET: 's'.repeat(40),
        KAFKA_BROKERS: 'k:9092',
        S3_ACCESS_KEY_ID: 'AKIA123',
        S3_SECRET_ACCESS_KEY: 'topsecret',
        REDIS_URL: 'redis://:redispass@cache:6379/0',
        GITHUB_TOKEN: 'ghp_tokenvalue',
      },
      'gateway',
    );
    const text = JSON.stringify(redactConfig(cfg));
    for (const secret of ['hunter2', 's'.repeat(40), 'AKIA123', 'topsecret', 'redispass', 'ghp_tokenvalue']) expect(text).not.toContain(secret);
    const red = redactConfig(cfg) as { database: { url: string }; cache: { url: string }; messaging: { brokers: string[] } };
    expect(red.database.url).toBe('postgres://app:***@db:5432/mg');
    expect(red.cache.url).toBe('redis://:***@cache:6379/0');
    expect(red.messaging.brokers).toEqual(['k:9092']);
    expect(cfg.auth.jwtSecret).toBe('s'.repeat(40)); // the original is untouched
  });

  it("masks the scoring section's LLM API key", () => {
    const cfg = loadConfig({ DATA_DIR: dir, LLM_BASE_URL: 'https://llm.example.com/v1', LLM_MODEL: 'm', LLM_API_KEY: 'sk-llm-secret' }, 'scoring');
    expect(cfg.scoring?.llm?.apiKey).toBe('sk-llm-secret');
    expect(JSON.stringify(redactConfig(cfg))).not.toContain('sk-llm-secret');
    expect((redactConfig(cfg) as { scoring: { llm: { apiKey: string; baseUrl: string } } }).scoring.llm).toMatchObject({ apiKey: '***', baseUrl: 'https://llm.example.com/v1' });
  });
});
