import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadServiceSection } from './load-config';
import { redactConfig } from './redact-config';

const dataDir = mkdtempSync(join(tmpdir(), 'mg-config-sections-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('service sections', () => {
  it('a service finds its own section under its name, and no other', () => {
    const scan = loadConfig({ DATA_DIR: dataDir, SCAN_CONCURRENCY: '4', INGEST_CONCURRENCY: '8' }, 'scan');
    expect(scan.scan?.concurrency).toBe(4);
    expect(scan.ingest).toBeUndefined();
    expect(scan.gateway).toBeUndefined();
    expect(loadConfig({ DATA_DIR: dataDir }, 'audit')).not.toHaveProperty('scan');
  });

  it('a bad value stops only the service that reads it, reported with the base problems in one list', () => {
    const env = { DATA_DIR: dataDir, SCAN_CONCURRENCY: '0', HTTP_PORT: 'x' };
    expect(problemsOf(() => loadConfig(env, 'scan'))).toEqual(['HTTP_PORT: must be an integer between 0 and 65535', 'SCAN_CONCURRENCY: must be >= 1']);
    expect(loadConfig({ ...env, HTTP_PORT: '1' }, 'audit').http.port).toBe(1);
  });

  it('audit: chain key file in the data directory by default, an inline key of at least 32 characters, masked in logs', () => {
    expect(loadConfig({ DATA_DIR: dataDir }, 'audit').audit).toEqual({ chainKeyFile: join(dataDir, 'audit-chain.key'), retiredKeyFiles: [], checkpointIntervalMs: 30_000 });
    const key = 'k'.repeat(32);
    expect(
      loadConfig({ DATA_DIR: dataDir, AUDIT_CHAIN_KEY: key, AUDIT_CHAIN_KEY_FILE: '/etc/mg/chain.key', AUDIT_CHAIN_RETIRED_KEY_FILES: '/etc/mg/a.key, /etc/mg/b.key', AUDIT_CHECKPOINT_INTERVAL_MS: '0' }, 'audit').audit,
    ).toEqual({
      chainKey: key,
      chainKeyFile: '/etc/mg/chain.key',
      retiredKeyFiles: ['/etc/mg/a.key', '/etc/mg/b.key'],
      checkpointIntervalMs: 0,
    });
    expect(problemsOf(() => loadConfig({ DATA_DIR: dataDir, AUDIT_CHECKPOINT_INTERVAL_MS: '-1' }, 'audit'))[0]).toMatch(/^AUDIT_CHECKPOINT_INTERVAL_MS: /);
    expect(problemsOf(() => loadConfig({ DATA_DIR: dataDir, AUDIT_CHAIN_KEY: 'short' }, 'audit'))[0]).toMatch(/^AUDIT_CHAIN_KEY: /);
    expect(JSON.stringify(redactConfig(loadConfig({ DATA_DIR: dataDir, AUDIT_CHAIN_KEY: key }, 'audit')))).not.toContain(key);
  });

  it('scan: defaults, SCAN_* values, refusals', () => {
    expect(loadServiceSection('scan', {})).toEqual({
      workerId: undefined,
      concurrency: 2,
      leaseMs: 12_000,
      pollMs: 1_000,
      maxAttempts: 3,
      spoolMaxBytes: 256 * 1024 * 1024,
      blobAttempts: 3,
      blobRetryDelayMs: 500,
    });
    expect(loadServiceSection('scan', { SCAN_CONCURRENCY: '4', SCAN_WORKER_ID: 'scan-a', SCAN_LEASE_MS: '3000' })).toMatchObject({ concurrency: 4, workerId: 'scan-a', leaseMs: 3000 });
    expect(problemsOf(() => loadServiceSection('scan', { SCAN_CONCURRENCY: '2e3', SCAN_WORKER_ID: 'a b;drop' }))).toEqual([
      'SCAN_WORKER_ID: must be 1-100 of A-Z a-z 0-9 . _ : -',
      'SCAN_CONCURRENCY: must be an integer between 1 and 64',
    ]);
  });

  it('scoring: defaults, SCORING_* values, refusals', () => {
    expect(loadServiceSection('scoring', {})).toEqual({
      workerId: undefined,
      concurrency: 2,
      leaseMs: 12_000,
      pollMs: 1_000,
      maxAttempts: 3,
      evidenceTimeoutMs: 20_000,
    });
    expect(loadServiceSection('scoring', { SCORING_CONCURRENCY: '3', SCORING_EVIDENCE_TIMEOUT_MS: '5000' })).toMatchObject({ concurrency: 3, evidenceTimeoutMs: 5_000 });
    expect(problemsOf(() => loadServiceSection('scoring', { SCORING_LEASE_MS: '10', SCORING_EVIDENCE_TIMEOUT_MS: 'soon' })).map((p) => p.split(':')[0])).toEqual([
      'SCORING_LEASE_MS',
      'SCORING_EVIDENCE_TIMEOUT_MS',
    ]);
  });

  it('scoring: the LLM analyser is off unless LLM_BASE_URL is set; then it needs a model and no URL credentials', () => {
    expect(loadServiceSection('scoring', { LLM_MODEL: 'm', LLM_API_KEY: 'k' }).llm).toBeUndefined();
    expect(loadServiceSection('scoring', { LLM_BASE_URL: 'https://llm.example.com/v1/', LLM_MODEL: 'qwen2.5-7b-instruct', LLM_API_KEY: 'sk-test' }).llm).toEqual({
      baseUrl: 'https://llm.example.com/v1',
      model: 'qwen2.5-7b-instruct',
      apiKey: 'sk-test',
      timeoutMs: 5_000,
    });
    expect(loadServiceSection('scoring', { LLM_BASE_URL: 'http://127.0.0.1:11434/v1', LLM_MODEL: 'llama3', LLM_TIMEOUT_MS: '2000' }).llm).toEqual({
      baseUrl: 'http://127.0.0.1:11434/v1',
      model: 'llama3',
      timeoutMs: 2_000,
    });
    expect(problemsOf(() => loadServiceSection('scoring', { LLM_BASE_URL: 'https://llm.example.com/v1' }))).toEqual(['LLM_MODEL: is required when LLM_BASE_URL is set']);
    const refused = problemsOf(() => loadServiceSection('scoring', { LLM_BASE_URL: 'https://user:sk-secret@llm.example.com', LLM_MODEL: 'm', LLM_TIMEOUT_MS: '0' }));
    expect(refused.map((p) => p.split(':')[0])).toEqual(['LLM_BASE_URL', 'LLM_TIMEOUT_MS']);
    expect(refused.join('\n')).not.toContain('sk-secret');
    expect(problemsOf(() => loadServiceSection('scoring', { LLM_BASE_URL: 'file:///etc/passwd', LLM_MODEL: 'm' }))[0]).toMatch(/^LLM_BASE_URL: must be an absolute http\(s\) URL/);
  });

  it('ingest: attempts and back-off stay unset unless INGEST_* set them', () => {
    const section = loadServiceSection('ingest', {});
    expect(section).toMatchObject({ concurrency: 2, leaseMs: 12_000, maxRetryDelayMs: 60_000, shutdownGraceMs: 10_000 });
    expect(section.maxAttempts).toBeUndefined();
    expect(section.retryDelayMs).toBeUndefined();
    const own = loadServiceSection('ingest', { INGEST_MAX_ATTEMPTS: '5', INGEST_RETRY_DELAY_MS: '250', INGEST_WORKER_ID: 'ingest-a' });
    expect(own).toMatchObject({ maxAttempts: 5, retryDelayMs: 250, workerId: 'ingest-a' });
    const problems = problemsOf(() => loadServiceSection('ingest', { INGEST_LEASE_MS: '10', INGEST_POLL_MS: '-1' }));
    expect(problems.map((p) => p.split(':')[0])).toEqual(['INGEST_LEASE_MS', 'INGEST_POLL_MS']);
  });

  it('gateway: the HF mirror is closed to anonymous clients by default; its allow/deny lists take org or org/name', () => {
    expect(loadConfig({ DATA_DIR: dataDir }, 'gateway').gateway?.hfMirror).toEqual({ anonymous: false, waitMs: 30_000, allow: [], deny: [] });
    const set = loadConfig({ DATA_DIR: dataDir, GATEWAY_HF_MIRROR_ANONYMOUS: 'true', GATEWAY_HF_MIRROR_ALLOW: 'google-bert, openai/whisper-tiny', GATEWAY_HF_MIRROR_DENY: 'evil-org' }, 'gateway');
    expect(set.gateway?.hfMirror).toMatchObject({ anonymous: true, allow: ['google-bert', 'openai/whisper-tiny'], deny: ['evil-org'] });
    const problems = problemsOf(() => loadConfig({ DATA_DIR: dataDir, GATEWAY_HF_MIRROR_DENY: '../etc, a/b/c' }, 'gateway'));
    expect(problems.map((p) => p.split(':')[0])).toEqual(['GATEWAY_HF_MIRROR_DENY', 'GATEWAY_HF_MIRROR_DENY']);
  });

  it('gateway: the former hard-coded values are the defaults; the upload scratch dir follows DATA_DIR', () => {
    const section = loadConfig({ DATA_DIR: dataDir }, 'gateway').gateway;
    expect(section).toMatchObject({ ingestWaitMs: 10_000, regexBudgetMs: 1_000, internalTimeoutMs: 5_000, maxInternalResponseBytes: 5 * 1024 * 1024 });
    expect(section?.tmpDir).toBe(join(dataDir, 'gateway-uploads'));
    expect(section?.openapiDir).toBe(join(process.cwd(), 'openapi'));
    expect(problemsOf(() => loadConfig({ DATA_DIR: dataDir, GATEWAY_INGEST_WAIT_MS: 'soon' }, 'gateway'))).toEqual([
      'GATEWAY_INGEST_WAIT_MS: must be an integer between 0 and 600000',
    ]);
  });

  it('gateway rate limits: generous defaults, 0 switches a limit off, negatives are refused', () => {
    expect(loadConfig({ DATA_DIR: dataDir }, 'gateway').gateway?.rateLimit).toEqual({ perIdentity: 3_000, perAddress: 6_000, windowSeconds: 60 });
    const off = loadConfig({ DATA_DIR: dataDir, GATEWAY_RATE_LIMIT_PER_IDENTITY: '0', GATEWAY_RATE_LIMIT_PER_ADDRESS: '0' }, 'gateway');
    expect(off.gateway?.rateLimit).toMatchObject({ perIdentity: 0, perAddress: 0 });
    expect(problemsOf(() => loadConfig({ DATA_DIR: dataDir, GATEWAY_RATE_LIMIT_PER_ADDRESS: '-1' }, 'gateway')).map((p) => p.split(':')[0])).toEqual([
      'GATEWAY_RATE_LIMIT_PER_ADDRESS',
    ]);
  });

  it('gateway signing key: a file under DATA_DIR by default; an inline PEM (\\n escapes allowed) must be ECDSA P-256', () => {
    expect(loadConfig({ DATA_DIR: dataDir }, 'gateway').gateway).toMatchObject({ signingKeyFile: join(dataDir, 'signing-key.pem') });
    const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(loadConfig({ DATA_DIR: dataDir, GATEWAY_SIGNING_KEY: pem.replace(/\n/g, '\\n') }, 'gateway').gateway?.signingKeyPem).toBe(pem);
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const bad of [ed, 'not a key']) {
      expect(problemsOf(() => loadConfig({ DATA_DIR: dataDir, GATEWAY_SIGNING_KEY: bad }, 'gateway'))).toEqual(['GATEWAY_SIGNING_KEY: must be an ECDSA P-256 private key in PEM form']);
    }
  });
});
