import { describe, expect, it } from 'vitest';
import { scanSettingsFromEnv } from './scan-settings';

describe('scanSettingsFromEnv', () => {
  it('defaults to two concurrent scans and a unique worker id', () => {
    const a = scanSettingsFromEnv({});
    const b = scanSettingsFromEnv({});
    expect(a.concurrency).toBe(2);
    expect(a.workerId).not.toBe(b.workerId);
    expect(a.heartbeatMs).toBeLessThan(a.leaseMs);
  });

  it('reads SCAN_* variables', () => {
    const s = scanSettingsFromEnv({ SCAN_CONCURRENCY: '4', SCAN_WORKER_ID: 'scan-a', SCAN_LEASE_MS: '3000' });
    expect(s).toMatchObject({ concurrency: 4, workerId: 'scan-a', leaseMs: 3000, heartbeatMs: 1000 });
  });

  it('refuses nonsense instead of guessing', () => {
    expect(() => scanSettingsFromEnv({ SCAN_CONCURRENCY: '0' })).toThrow(/SCAN_CONCURRENCY/);
    expect(() => scanSettingsFromEnv({ SCAN_CONCURRENCY: '2e3' })).toThrow(/SCAN_CONCURRENCY/);
    expect(() => scanSettingsFromEnv({ SCAN_WORKER_ID: 'a b;drop' })).toThrow(/SCAN_WORKER_ID/);
  });
});
