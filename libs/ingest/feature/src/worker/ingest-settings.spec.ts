import { describe, expect, it } from 'vitest';
import { ingestSettingsFromEnv, resolveIngestSettings, retryDelayFor } from './ingest-settings';

describe('ingestSettingsFromEnv', () => {
  it('defaults to two concurrent downloads, a unique worker id and heartbeats well inside the lease', () => {
    const a = ingestSettingsFromEnv({});
    const b = ingestSettingsFromEnv({});
    expect(a.concurrency).toBe(2);
    expect(a.workerId).not.toBe(b.workerId);
    expect(a.heartbeatMs * 3).toBeLessThanOrEqual(a.leaseMs);
    expect(a.maxAttempts).toBeUndefined();
  });

  it('reads INGEST_* variables', () => {
    const s = ingestSettingsFromEnv({ INGEST_CONCURRENCY: '4', INGEST_WORKER_ID: 'ingest-a', INGEST_LEASE_MS: '3000', INGEST_MAX_ATTEMPTS: '5', INGEST_RETRY_DELAY_MS: '250' });
    expect(s).toMatchObject({ concurrency: 4, workerId: 'ingest-a', leaseMs: 3000, heartbeatMs: 1000, maxAttempts: 5, retryDelayMs: 250 });
  });

  it('derives the heartbeat from an overridden lease', () => {
    expect(ingestSettingsFromEnv({}, { leaseMs: 900 }).heartbeatMs).toBe(300);
  });

  // Parsing details are tested with the config (service-sections.spec.ts); this checks the wiring.
  it('refuses nonsense instead of guessing, listing every problem', () => {
    expect(() => ingestSettingsFromEnv({ INGEST_CONCURRENCY: '0' })).toThrow(/INGEST_CONCURRENCY/);
    expect(() => ingestSettingsFromEnv({ INGEST_WORKER_ID: 'a b;drop', INGEST_POLL_MS: '-1' })).toThrow(/INGEST_WORKER_ID[\s\S]*INGEST_POLL_MS/);
  });
});

describe('resolveIngestSettings / retryDelayFor', () => {
  it('follows the messaging retry policy unless INGEST_* set attempts and back-off', () => {
    expect(resolveIngestSettings(ingestSettingsFromEnv({}), { attempts: 2, initialDelayMs: 20 })).toMatchObject({ maxAttempts: 3, retryDelayMs: 20 });
    const own = ingestSettingsFromEnv({ INGEST_MAX_ATTEMPTS: '1', INGEST_RETRY_DELAY_MS: '0' });
    expect(resolveIngestSettings(own, { attempts: 5, initialDelayMs: 500 })).toMatchObject({ maxAttempts: 1, retryDelayMs: 0 });
  });

  it('doubles the back-off per failed attempt, capped', () => {
    const s = { retryDelayMs: 500, maxRetryDelayMs: 3_000 };
    expect([1, 2, 3, 4, 10].map((n) => retryDelayFor(s, n))).toEqual([500, 1_000, 2_000, 3_000, 3_000]);
  });
});
